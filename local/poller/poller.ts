import { randomUUID } from 'node:crypto';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Logger } from 'pino';
import { ulid } from 'ulid';
import type { EventSourceMappingSettings } from '../../core/eventSourceMapping';
import { matchesAnyPattern } from '../../core/filterPattern';
import { deliverBatch, type InvokeResult } from './deliver';
import { compareSequence, sequenceOf, toLambdaRecord } from './lambdaEvent';
import { shardsReadyToRead, type ShardInfo } from './shards';
import type { PollerState } from './state';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface PollerOptions {
  streams: DynamoDBStreamsClient;
  streamArn: string;
  handler: StreamHandler;
  settings: EventSourceMappingSettings;
  state: PollerState;
  logger: Logger;
  functionName?: string;
  /** Lambda polls each shard about four times a second. */
  pollIntervalMs?: number;
  discoveryIntervalMs?: number;
  /** Pause before retry n; Lambda backs off too, tests want it short. */
  retryDelayMs?: (attempt: number) => number;
}

export interface PollerStats {
  invocations: number;
  recordsDelivered: number;
  recordsFiltered: number;
  recordsDeadLettered: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
// Read as much as GetRecords allows: most records on an order table are filtered away (each reservation writes
// two more), so reading only a batch's worth would take several calls per batch. Batches are cut from the buffer.
const GET_RECORDS_MAX = 1000;

/**
 * Lambda's event source mapping for a DynamoDB stream, reproduced against DynamoDB Local: it discovers shards
 * (parents before children), keeps one batch in flight per shard, batches by size and window, filters with the
 * mapping's criteria, invokes the handler with Lambda-shaped events, honours ReportBatchItemFailures, bisects,
 * retries, expires and dead-letters like Lambda, and checkpoints so a restart resumes where it stopped.
 */
export class StreamPoller {
  readonly stats: PollerStats = { invocations: 0, recordsDelivered: 0, recordsFiltered: 0, recordsDeadLettered: 0 };
  private readonly finished = new Set<string>();
  private readonly reading = new Map<string, Promise<void>>();
  private running = false;
  private discovery?: Promise<void>;
  private readonly functionArn: string;

  constructor(private readonly options: PollerOptions) {
    this.functionArn = `arn:aws:lambda:local:000000000000:function:${options.functionName ?? 'orders-processor'}`;
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
    while (this.running) {
      try {
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

  private async describeShards(): Promise<ShardInfo[]> {
    const shards: ShardInfo[] = [];
    let start: string | undefined;
    do {
      const page = await this.options.streams.send(new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId: start }));
      for (const shard of page.StreamDescription?.Shards ?? []) {
        shards.push({
          shardId: shard.ShardId!,
          ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
          ...(shard.SequenceNumberRange?.EndingSequenceNumber ? { endingSequenceNumber: shard.SequenceNumberRange.EndingSequenceNumber } : {}),
        });
      }
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  private async iterator(shardId: string, after?: string): Promise<string | undefined> {
    const type: ShardIteratorType = after ? 'AFTER_SEQUENCE_NUMBER' : this.options.settings.startingPosition;
    const result = await this.options.streams.send(
      new GetShardIteratorCommand({ StreamArn: this.options.streamArn, ShardId: shardId, ShardIteratorType: type, ...(after ? { SequenceNumber: after } : {}) }),
    );
    return result.ShardIterator;
  }

  private async readShard(shardId: string): Promise<void> {
    const { state, streams, settings, logger, streamArn } = this.options;
    const pollInterval = this.options.pollIntervalMs ?? 250;
    const saved = await state.checkpoint(streamArn, shardId);
    if (saved.finished) {
      this.finished.add(shardId);
      return;
    }
    let checkpointed = saved.sequenceNumber;
    let iterator = await this.iterator(shardId, checkpointed);
    let buffer: DynamoDBRecord[] = [];
    let bufferedSince = 0;
    let lastSeen = checkpointed;

    const checkpoint = async (sequenceNumber: string) => {
      if (checkpointed && compareSequence(sequenceNumber, checkpointed) <= 0) return;
      await state.saveCheckpoint(streamArn, shardId, sequenceNumber);
      checkpointed = sequenceNumber;
    };

    while (this.running) {
      let records;
      try {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: GET_RECORDS_MAX }));
        records = page.Records ?? [];
        iterator = page.NextShardIterator;
      } catch (err) {
        const name = (err as Error).name;
        if (name === 'ExpiredIteratorException' || name === 'TrimmedDataAccessException') {
          // Start again from the last checkpoint; what was buffered will be read again.
          buffer = [];
          lastSeen = checkpointed;
          iterator = await this.iterator(shardId, checkpointed);
          continue;
        }
        // The store may be restarting: back off, then resume from the last checkpoint with a fresh iterator
        // (the old one may not survive the restart). Buffered records are read again.
        logger.warn({ err, shardId }, 'GetRecords failed; resuming from the checkpoint');
        await sleep(pollInterval * 4);
        buffer = [];
        lastSeen = checkpointed;
        iterator = await this.iterator(shardId, checkpointed).catch(() => iterator);
        continue;
      }
      for (const raw of records) {
        const record = toLambdaRecord(raw, streamArn);
        lastSeen = sequenceOf(record);
        if (matchesAnyPattern(record, settings.filterPatterns)) {
          if (buffer.length === 0) bufferedSince = Date.now();
          buffer.push(record);
        } else {
          this.stats.recordsFiltered++;
        }
      }
      const closed = iterator === undefined;
      const windowOver = Date.now() - bufferedSince >= settings.maximumBatchingWindowInSeconds * 1000;
      while (buffer.length >= settings.batchSize || (buffer.length > 0 && (windowOver || closed))) {
        const batch = buffer.splice(0, settings.batchSize);
        await this.deliver(shardId, batch, checkpoint);
        if (!this.running) return;
      }
      // Filtered records still move the checkpoint, as in Lambda.
      if (buffer.length === 0 && lastSeen) await checkpoint(lastSeen);
      if (closed) {
        await state.markFinished(streamArn, shardId);
        this.finished.add(shardId);
        logger.info({ shardId }, 'shard finished');
        return;
      }
      if (records.length === 0 || buffer.length > 0) await sleep(pollInterval);
    }
  }

  private async deliver(shardId: string, batch: DynamoDBRecord[], checkpoint: (sequenceNumber: string) => Promise<void>): Promise<void> {
    const { settings, state, logger, streamArn } = this.options;
    const retryDelay = this.options.retryDelayMs ?? ((attempt: number) => Math.min(5000, 200 * 2 ** (attempt - 1)));
    await deliverBatch(batch, settings, {
      invoke: (records) => this.invoke(records),
      checkpoint: (record) => checkpoint(sequenceOf(record)),
      deadLetter: async (records, condition, invokeCount, lastError, functionError) => {
        const first = records[0]!;
        const last = records.at(-1)!;
        const arrival = (r: DynamoDBRecord) => new Date((r.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000).toISOString();
        await state.addDeadLetter({
          id: ulid(),
          records,
          lastError,
          onFailure: {
            requestContext: { requestId: randomUUID(), functionArn: this.functionArn, condition, approximateInvokeCount: invokeCount },
            // As Lambda writes it: functionError only when the function itself errored, not for reported failures.
            responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(functionError ? { functionError: 'Unhandled' } : {}) },
            version: '1.0',
            timestamp: new Date().toISOString(),
            DDBStreamBatchInfo: {
              shardId,
              startSequenceNumber: sequenceOf(first),
              endSequenceNumber: sequenceOf(last),
              approximateArrivalOfFirstRecord: arrival(first),
              approximateArrivalOfLastRecord: arrival(last),
              batchSize: records.length,
              streamArn,
            },
          },
        });
        this.stats.recordsDeadLettered += records.length;
        logger.error({ shardId, condition, records: records.length, lastError }, 'batch sent to the dead-letter store');
      },
      backoff: (attempt) => sleep(retryDelay(attempt)),
      nowSeconds: () => Math.floor(Date.now() / 1000),
      stopped: () => !this.running,
    });
  }

  /** One Lambda invocation, its outcome classified the way Lambda reads it. */
  private async invoke(records: DynamoDBRecord[]): Promise<InvokeResult> {
    this.stats.invocations++;
    const context = lambdaContext(this.options.functionName ?? 'orders-processor', this.functionArn);
    let response: DynamoDBBatchResponse | void;
    try {
      response = await this.options.handler({ Records: records }, context);
    } catch (err) {
      return { kind: 'error', error: (err as Error)?.message ?? String(err) };
    }
    const failures = this.options.settings.functionResponseTypes.includes('ReportBatchItemFailures') ? (response?.batchItemFailures ?? []) : [];
    if (failures.length === 0) {
      this.stats.recordsDelivered += records.length;
      return { kind: 'ok' };
    }
    const positions = failures.map((f) => records.findIndex((r) => f.itemIdentifier && sequenceOf(r) === f.itemIdentifier));
    if (positions.some((p) => p < 0)) return { kind: 'error', error: 'batchItemFailures named a record not in the batch' };
    const firstFailed = Math.min(...positions);
    this.stats.recordsDelivered += firstFailed;
    return { kind: 'partial', firstFailed, error: `${failures.length} record(s) reported failed` };
  }
}

function lambdaContext(functionName: string, functionArn: string): Context {
  const deadline = Date.now() + 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
