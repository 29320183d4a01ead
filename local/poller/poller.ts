import { randomUUID } from 'node:crypto';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, type DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Logger } from 'pino';
import { ulid } from 'ulid';
import { PROCESSOR_TIMEOUT_SECONDS, type EventSourceMappingSettings } from '../../core/eventSourceMapping';
import { matchesAnyPattern } from '../../core/filterPattern';
import { SERVICE_NAME } from '../../core/serviceNames';
import { orderTable } from '../../core/table';
import { BatchBuffer } from './batches';
import { deliverBatch } from './deliver';
import type { StreamHandler } from '../../core/streamHandler';
import { invokeFunction, type FunctionUnderTest } from './invoke';
import { endsOf, sequenceOf, toLambdaRecord } from './lambdaEvent';
import { laneOf } from './lanes';
import { RecordClock } from './recordClock';
import { ShardProgress } from './shardProgress';
import { shardsReadyToRead, type ShardInfo } from './shards';
import { errorName, isShardGone, isTrimmed } from './streamErrors';
import type { PollerState } from './state';

export interface PollerOptions {
  streams: DynamoDBStreamsClient;
  streamArn: string;
  handler: StreamHandler;
  settings: EventSourceMappingSettings;
  state: PollerState;
  logger: Logger;
  functionName?: string;
  /** The deployed function's timeout (core/eventSourceMapping.ts); tests shorten it. */
  functionTimeoutMs?: number;
  /** Lambda polls each shard about four times a second. */
  pollIntervalMs?: number;
  discoveryIntervalMs?: number;
  /** The table's partition key attribute: records with the same value share a lane. */
  hashKey?: string;
  /** Pause before retry n; Lambda backs off too, tests want it short. */
  retryDelayMs?: (attempt: number) => number;
}

export interface PollerStats {
  invocations: number;
  recordsDelivered: number;
  recordsFiltered: number;
  recordsDeadLettered: number;
}

/** One of a shard's `parallelizationFactor` lanes: its own batches, one in flight at a time. */
interface Lane {
  buffer: BatchBuffer;
  inFlight?: Promise<void>;
  windowStart: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
// Read as much as GetRecords allows: most records on an order table are filtered away (each reservation writes
// two more), so reading only a batch's worth would take several calls per batch. Batches are cut from the buffer.
const GET_RECORDS_MAX = 1000;
/** Records a shard's reader keeps ahead of its checkpoint (per lane, in batches) before it stops reading on. */
const READ_AHEAD_BATCHES = 10;
/** The shard no longer exists: the stream's retention trimmed it away. */
const SHARD_GONE = Symbol('shard gone');

/**
 * Lambda's event source mapping for a DynamoDB stream, reproduced against DynamoDB Local: it applies the
 * starting position once, when the mapping is created; discovers shards (parents before children); splits each
 * shard into `parallelizationFactor` lanes by partition key, one batch in flight per lane; batches by size,
 * payload and window; filters with the mapping's criteria; invokes the handler with Lambda-shaped events under
 * the function's timeout; honours ReportBatchItemFailures; bisects, retries, expires and dead-letters like
 * Lambda; recovers from trimmed data; and checkpoints, never past a record a lane still holds, so a restart
 * resumes where it stopped. What it does not reproduce is listed in the README's fidelity table.
 */
export class StreamPoller {
  readonly stats: PollerStats = { invocations: 0, recordsDelivered: 0, recordsFiltered: 0, recordsDeadLettered: 0 };
  private readonly finished = new Set<string>();
  private readonly reading = new Map<string, Promise<void>>();
  private running = false;
  private discovery?: Promise<void>;
  private readonly fn: FunctionUnderTest;
  private readonly clock = new RecordClock();
  private readonly hashKey: string;

  constructor(private readonly options: PollerOptions) {
    this.hashKey = options.hashKey ?? orderTable.hashKey;
    const functionName = options.functionName ?? SERVICE_NAME.processor;
    this.fn = {
      handler: options.handler,
      functionName,
      functionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
      timeoutMs: options.functionTimeoutMs ?? PROCESSOR_TIMEOUT_SECONDS * 1000,
      reportBatchItemFailures: options.settings.functionResponseTypes.includes('ReportBatchItemFailures'),
    };
  }

  /** Lanes per shard: batches of one shard in flight at once. */
  get parallelizationFactor(): number {
    return Math.max(1, this.options.settings.parallelizationFactor);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.discovery = this.discoverLoop();
  }

  /** Stops polling; an invocation in progress finishes, but nothing after it is checkpointed. */
  async stop(): Promise<void> {
    this.running = false;
    await this.discovery;
    await Promise.all(this.reading.values());
  }

  private async discoverLoop(): Promise<void> {
    const interval = this.options.discoveryIntervalMs ?? 1000;
    let created = false;
    while (this.running) {
      try {
        if (!created) {
          await this.createMappingOnce();
          created = true;
        }
        const shards = await this.describeShards();
        for (const shardId of shardsReadyToRead(shards, this.finished, new Set(this.reading.keys()))) {
          const reader = this.readShard(shardId)
            .catch((err) => this.options.logger.error({ err, shardId }, 'shard reader failed'))
            .finally(() => this.reading.delete(shardId));
          this.reading.set(shardId, reader);
        }
      } catch (err) {
        this.options.logger.warn({ err }, 'DescribeStream failed; retrying');
      }
      await sleep(interval);
    }
  }

  /**
   * Lambda applies the starting position once, when the mapping is created: LATEST skips what the stream holds
   * at that moment, and every shard without a checkpoint afterwards (a child shard, a shard that had no record
   * yet, a restart) is read from its start. Creating the mapping here checkpoints each shard at its current end.
   */
  private async createMappingOnce(): Promise<void> {
    const { state, streamArn, settings, logger } = this.options;
    if (await state.mappingCreatedAt(streamArn)) return;
    if (settings.startingPosition === 'LATEST') {
      for (const shard of await this.describeShards()) {
        const { last, closed } = await this.readToEnd(shard.shardId);
        if (last) await state.saveCheckpoint(streamArn, shard.shardId, last);
        if (closed) await state.markFinished(streamArn, shard.shardId);
      }
    }
    await state.recordMappingCreated(streamArn, settings.startingPosition);
    logger.info({ startingPosition: settings.startingPosition }, 'event source mapping created');
  }

  private async readToEnd(shardId: string): Promise<{ last?: string; closed: boolean }> {
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

  private async describeShards(): Promise<ShardInfo[]> {
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

  /**
   * An iterator just after the checkpoint, or at the shard's start. A checkpoint the stream has trimmed away
   * continues from the oldest record still available (the records in between are lost, as in Lambda); a
   * shard that no longer exists is reported as gone.
   */
  private async openIterator(shardId: string, after?: string): Promise<string | undefined | typeof SHARD_GONE> {
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

  /** A fresh iterator after a failed read, retried until the store answers; never the old one again. */
  private async reopenIterator(shardId: string, after: string | undefined): Promise<string | undefined | typeof SHARD_GONE | null> {
    const pollInterval = this.options.pollIntervalMs ?? 250;
    while (this.running) {
      try {
        return await this.openIterator(shardId, after);
      } catch (err) {
        this.options.logger.warn({ err, shardId }, 'GetShardIterator failed; retrying');
        await sleep(pollInterval * 4);
      }
    }
    return null;
  }

  private async finishShard(shardId: string, why: string): Promise<void> {
    await this.options.state.markFinished(this.options.streamArn, shardId);
    this.finished.add(shardId);
    this.options.logger.info({ shardId }, why);
  }

  private async readShard(shardId: string): Promise<void> {
    const { state, streams, settings, logger, streamArn } = this.options;
    const pollInterval = this.options.pollIntervalMs ?? 250;
    const saved = await state.checkpoint(streamArn, shardId);
    if (saved.finished) {
      this.finished.add(shardId);
      return;
    }
    const progress = new ShardProgress(saved.sequenceNumber);
    let iterator = await this.reopenIterator(shardId, saved.sequenceNumber);
    const lanes: Lane[] = Array.from({ length: this.parallelizationFactor }, () => ({ buffer: new BatchBuffer(settings.batchSize), windowStart: Date.now() }));
    const inFlight = () => lanes.flatMap((lane) => (lane.inFlight ? [lane.inFlight] : []));
    const failures: unknown[] = []; // of lanes, rethrown by the reader once every lane has settled

    // Checkpoints are saved one after another, each further along than the last.
    let saving: Promise<void> = Promise.resolve();
    const commit = (): Promise<void> => {
      const next = progress.advance();
      if (next) saving = saving.catch(() => undefined).then(() => state.saveCheckpoint(streamArn, shardId, next));
      return saving;
    };

    const dispatch = (closed: boolean) => {
      for (const lane of lanes) {
        const waited = Date.now() - lane.windowStart >= settings.maximumBatchingWindowInSeconds * 1000;
        if (!this.running || lane.inFlight || lane.buffer.length === 0 || !(lane.buffer.full || closed || waited)) continue;
        const batch = lane.buffer.take();
        lane.inFlight = this.deliver(shardId, batch, async (upTo) => {
          for (const record of batch.slice(0, batch.indexOf(upTo) + 1)) progress.complete(sequenceOf(record));
          await commit();
        })
          .catch((error: unknown) => void failures.push(error))
          .finally(() => {
            delete lane.inFlight;
            // Lambda's batching window starts when the previous invocation completes, not when a record arrives.
            lane.windowStart = Date.now();
          });
      }
    };

    try {
      while (this.running && iterator !== null) {
        if (failures.length) throw failures[0];
        if (iterator === SHARD_GONE) return await this.finishShard(shardId, 'shard no longer in the stream (trimmed); its children continue');
        // No iterator from GetShardIterator: a closed shard already read to its end.
        if (iterator === undefined) return await this.finishShard(shardId, 'shard finished');
        dispatch(false);
        // A lane still busy with a full batch waiting, or a slow lane holding the checkpoint far behind what was
        // read, holds the shard back (a failing batch blocks, as in Lambda) rather than letting memory grow.
        const readAhead = lanes.length * settings.batchSize * READ_AHEAD_BATCHES;
        if (lanes.some((lane) => lane.inFlight && lane.buffer.full) || progress.tracked >= readAhead) {
          await Promise.race([sleep(pollInterval), ...inFlight()]);
          continue;
        }
        let records;
        try {
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: GET_RECORDS_MAX }));
          records = page.Records ?? [];
          iterator = page.NextShardIterator;
        } catch (err) {
          // Resume from the checkpoint with a fresh iterator once the batches in flight are done; buffered
          // records are read again. An expired iterator is routine; anything else is worth a line, and a store
          // that may be restarting a pause.
          const name = errorName(err);
          if (name !== 'ExpiredIteratorException') logger.warn({ err, shardId }, 'GetRecords failed; resuming from the checkpoint');
          if (name !== 'ExpiredIteratorException' && !isTrimmed(err)) await sleep(pollInterval * 4);
          await Promise.allSettled(inFlight());
          for (const lane of lanes) lane.buffer.clear();
          iterator = await this.reopenIterator(shardId, progress.rewind());
          continue;
        }
        for (const raw of records) {
          const record = toLambdaRecord(raw, streamArn);
          this.clock.read(record);
          const wanted = matchesAnyPattern(record, settings.filterPatterns);
          // Filtered records are done as soon as they are read: they move the checkpoint too, as in Lambda.
          progress.read(sequenceOf(record), !wanted);
          const lane = lanes[laneOf(record, lanes.length, this.hashKey)];
          if (!lane) throw new Error('a record hashed to no lane');
          if (wanted) lane.buffer.push(record);
          else this.stats.recordsFiltered++;
        }
        const closed = iterator === undefined;
        dispatch(closed);
        await commit();
        if (closed) {
          while (this.running && lanes.some((lane) => lane.inFlight !== undefined || lane.buffer.length > 0)) {
            dispatch(true);
            await Promise.race(inFlight());
            if (failures.length) throw failures[0];
          }
          // A lane that failed after the last look must not let the shard count as read to its end.
          if (failures.length) throw failures[0];
          if (this.running) await this.finishShard(shardId, 'shard finished');
          return;
        }
        if (records.length === 0 || lanes.some((lane) => lane.buffer.length > 0)) await Promise.race([sleep(pollInterval), ...inFlight()]);
      }
    } finally {
      // Never leave a lane running behind a reader that has stopped: the shard would be read twice at once.
      await Promise.allSettled(inFlight());
      await saving.catch(() => undefined);
    }
  }

  private async deliver(shardId: string, batch: DynamoDBRecord[], done: (upTo: DynamoDBRecord) => Promise<void>): Promise<void> {
    const { settings, state, logger, streamArn } = this.options;
    const retryDelay = this.options.retryDelayMs ?? ((attempt: number) => Math.min(5000, 200 * 2 ** (attempt - 1)));
    await deliverBatch(batch, settings, {
      invoke: async (records) => {
        this.stats.invocations++;
        const result = await invokeFunction(this.fn, records);
        this.stats.recordsDelivered += result.kind === 'ok' ? records.length : result.kind === 'partial' ? result.firstFailed : 0;
        return result;
      },
      checkpoint: done,
      deadLetter: async (records, condition, invokeCount, lastError, functionError) => {
        const { first, last } = endsOf(records);
        await state.addDeadLetter({
          id: ulid(),
          records,
          lastError,
          onFailure: {
            requestContext: { requestId: randomUUID(), functionArn: this.fn.functionArn, condition, approximateInvokeCount: invokeCount },
            // As Lambda writes it: functionError only when the function itself errored, not for reported failures.
            responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(functionError ? { functionError: 'Unhandled' } : {}) },
            version: '1.0',
            timestamp: new Date().toISOString(),
            DDBStreamBatchInfo: {
              shardId,
              startSequenceNumber: sequenceOf(first),
              endSequenceNumber: sequenceOf(last),
              approximateArrivalOfFirstRecord: this.clock.arrival(first),
              approximateArrivalOfLastRecord: this.clock.arrival(last),
              batchSize: records.length,
              streamArn,
            },
          },
        });
        this.stats.recordsDeadLettered += records.length;
        logger.error({ shardId, condition, records: records.length, lastError }, 'batch sent to the dead-letter store');
      },
      backoff: (attempt) => sleep(retryDelay(attempt)),
      ageSeconds: (record) => this.clock.ageSeconds(record),
      stopped: () => !this.running,
    });
  }
}
