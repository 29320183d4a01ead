import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { Logger } from 'pino';
import type { ShardInfo } from './shards';
import { sleep } from './sleep';
import { errorName, isShardGone, isTrimmed } from './streamErrors';

// Read as much as GetRecords allows: most records on an order table are filtered away (each reservation writes
// two more), so reading only a batch's worth would take several calls per batch. Batches are cut from the buffer.
const GET_RECORDS_MAX = 1000;
/** The shard no longer exists: the stream's retention trimmed it away. */
export const SHARD_GONE = Symbol('shard gone');

/** An iterator, none (a closed shard already read to its end), or the shard gone from the stream. */
export type OpenedIterator = string | undefined | typeof SHARD_GONE;

export interface RecordsPage {
  records: StreamRecord[];
  /** None once a closed shard has been read to its end. */
  nextIterator: string | undefined;
}

export interface StreamReaderOptions {
  streams: DynamoDBStreamsClient;
  streamArn: string;
  logger: Logger;
  pollIntervalMs: number;
  /** Whether the poller is still running: retries stop when it is not. */
  running: () => boolean;
}

/** One stream read the way Lambda reads it: its shards and their parents, iterators, pages of records. */
export class StreamReader {
  constructor(private readonly options: StreamReaderOptions) {}

  async describeShards(): Promise<ShardInfo[]> {
    const shards: ShardInfo[] = [];
    let start: string | undefined;
    do {
      const page = await this.options.streams.send(new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId: start }));
      for (const shard of page.StreamDescription?.Shards ?? []) {
        if (!shard.ShardId) continue;
        shards.push({
          shardId: shard.ShardId,
          ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
          ...(shard.SequenceNumberRange?.EndingSequenceNumber ? { endingSequenceNumber: shard.SequenceNumberRange.EndingSequenceNumber } : {}),
        });
      }
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  /** The shard's last sequence number (if it has records), and whether it is closed and was read to its end. */
  async readToEnd(shardId: string): Promise<{ last?: string; closed: boolean }> {
    const opened = await this.openIterator(shardId);
    if (opened === SHARD_GONE) return { closed: true };
    let iterator = opened;
    let last: string | undefined;
    while (iterator) {
      const page = await this.options.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: GET_RECORDS_MAX }));
      const records = page.Records ?? [];
      const final = records.at(-1);
      if (final) last = final.dynamodb?.SequenceNumber;
      iterator = page.NextShardIterator;
      if (records.length === 0) break;
    }
    return { ...(last ? { last } : {}), closed: iterator === undefined };
  }

  /**
   * An iterator just after the checkpoint, or at the shard's start. A checkpoint the stream has trimmed away
   * continues from the oldest record still available (the records in between are lost, as in Lambda); a
   * shard that no longer exists is reported as gone.
   */
  private async openIterator(shardId: string, after?: string): Promise<OpenedIterator> {
    const { streams, streamArn, logger } = this.options;
    const open = (sequenceNumber?: string) =>
      streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(sequenceNumber ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: sequenceNumber } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
    try {
      return (await open(after)).ShardIterator;
    } catch (err) {
      if (isShardGone(err)) return SHARD_GONE;
      if (!isTrimmed(err) || !after) throw err;
      logger.warn({ shardId, checkpoint: after }, 'records after the checkpoint were trimmed from the stream; continuing from the oldest available record');
      return (await open()).ShardIterator;
    }
  }

  /**
   * A fresh iterator after a failed read, retried until the store answers; never the old one again. Null: the
   * poller stopped first.
   */
  async reopenIterator(shardId: string, after: string | undefined): Promise<OpenedIterator | null> {
    while (this.options.running()) {
      try {
        return await this.openIterator(shardId, after);
      } catch (err) {
        this.options.logger.warn({ err, shardId }, 'GetShardIterator failed; retrying');
        await sleep(this.options.pollIntervalMs * 4);
      }
    }
    return null;
  }

  /**
   * The next page of records, at most `limit` of them; undefined when GetRecords failed and the shard must be read
   * again from its checkpoint.
   */
  async readPage(shardId: string, iterator: string, limit = GET_RECORDS_MAX): Promise<RecordsPage | undefined> {
    try {
      const Limit = Math.max(1, Math.min(GET_RECORDS_MAX, Math.floor(limit)));
      const page = await this.options.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit }));
      return { records: page.Records ?? [], nextIterator: page.NextShardIterator };
    } catch (err) {
      // An expired iterator is routine; anything else is worth a line, and a store that may be restarting a pause.
      const name = errorName(err);
      if (name !== 'ExpiredIteratorException') this.options.logger.warn({ err, shardId }, 'GetRecords failed; resuming from the checkpoint');
      if (name !== 'ExpiredIteratorException' && !isTrimmed(err)) await sleep(this.options.pollIntervalMs * 4);
      return undefined;
    }
  }
}
