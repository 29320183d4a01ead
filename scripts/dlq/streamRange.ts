import { GetRecordsCommand, GetShardIteratorCommand, type DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { matchesAnyPattern, type FilterPattern } from '../../core/filterPattern';
import type { StreamBatchInfo } from '../../core/onFailureRecord';
import { compareSequence, sequenceOf, toLambdaRecord } from '../../local/poller/lambdaEvent';
import { isShardGone, isTrimmed } from '../../local/poller/streamErrors';

export type StreamRange =
  /**
   * The records of the range the mapping would deliver. `complete`: read up to the range's last sequence number
   * (an open shard that keeps answering empty pages may stop the reading short); `missing`: how many fewer
   * records than the failed batch held.
   */
  | { kind: 'records'; records: DynamoDBRecord[]; complete: boolean; missing: number }
  /** The stream no longer holds the range: retention (24 hours) trimmed it, or the shard or stream is gone. */
  | { kind: 'expired'; why: string }
  /** The stream failed otherwise (a listing reports it and goes on). */
  | { kind: 'unreadable'; why: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The answer when the stream says the range is gone; undefined for any other failure. */
function expiry(err: unknown, info: StreamBatchInfo): StreamRange | undefined {
  if (isTrimmed(err))
    return { kind: 'expired', why: `the stream no longer holds sequence ${info.startSequenceNumber} (DynamoDB Streams keeps records 24 hours)` };
  if (isShardGone(err)) {
    return { kind: 'expired', why: `shard ${info.shardId} of ${info.streamArn} no longer exists (trimmed after 24 hours, or the table's stream was replaced)` };
  }
  return undefined;
}
// An open shard can answer with empty pages before the records it holds; give up only after this many in a row.
const EMPTY_PAGES_TOLERATED = 20;

/**
 * The records of a failed batch, fetched from the stream by the shard and sequence range that the on-failure
 * message names (in AWS it carries no records). The range also holds records the mapping filtered away and,
 * with ParallelizationFactor > 1, records of other lanes (already processed): the filter drops the former, and
 * the processor's conditional writes make the latter harmless.
 */
export async function fetchStreamRange(streams: DynamoDBStreamsClient, info: StreamBatchInfo, filterPatterns: readonly FilterPattern[]): Promise<StreamRange> {
  let iterator: string | undefined;
  try {
    const opened = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: info.streamArn,
        ShardId: info.shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        SequenceNumber: info.startSequenceNumber,
      }),
    );
    iterator = opened.ShardIterator;
  } catch (err) {
    const gone = expiry(err, info);
    if (gone) return gone;
    throw err;
  }
  const records: DynamoDBRecord[] = [];
  let empty = 0;
  let passedEnd = false;
  while (iterator && !passedEnd && empty < EMPTY_PAGES_TOLERATED) {
    let page;
    try {
      page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    } catch (err) {
      // Trimmed between GetShardIterator and GetRecords, or the shard went away meanwhile.
      const gone = expiry(err, info);
      if (gone) return gone;
      throw err;
    }
    const raw = page.Records ?? [];
    empty = raw.length === 0 ? empty + 1 : 0;
    if (empty > 0) await sleep(100);
    for (const one of raw) {
      const record = toLambdaRecord(one, info.streamArn);
      if (compareSequence(sequenceOf(record), info.endSequenceNumber) > 0) {
        passedEnd = true;
        break;
      }
      records.push(record);
    }
    iterator = page.NextShardIterator;
  }
  const wanted = records.filter((record) => matchesAnyPattern(record, filterPatterns));
  const complete = passedEnd || records.some((r) => sequenceOf(r) === info.endSequenceNumber);
  return { kind: 'records', records: wanted, complete, missing: Math.max(0, info.batchSize - wanted.length) };
}
