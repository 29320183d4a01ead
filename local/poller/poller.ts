import type { _Record as StreamRecord, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Logger } from 'pino';
import { PROCESSOR_TIMEOUT_SECONDS, type EventSourceMappingSettings } from '../../core/eventSourceMapping';
import { matchesAnyPattern } from '../../core/filterPattern';
import { SERVICE_NAME } from '../../core/serviceNames';
import type { StreamHandler } from '../../core/streamHandler';
import { orderTable } from '../../core/table';
import { FunctionDelivery } from './functionDelivery';
import type { FunctionUnderTest } from './invoke';
import { sequenceOf, toLambdaRecord } from './lambdaEvent';
import { RecordClock } from './recordClock';
import { isIsolatedHandler, SandboxPool, type IsolatedHandler } from './sandbox';
import { ShardLanes } from './shardLanes';
import { CheckpointWriter, ShardProgress } from './shardProgress';
import { shardsReadyToRead } from './shards';
import { sleep } from './sleep';
import type { PollerState } from './state';
import { SHARD_GONE, StreamReader } from './streamReader';

export interface PollerOptions {
  streams: DynamoDBStreamsClient;
  streamArn: string;
  /** In the poller's process, or (a module and its factory) in sandboxes stopped at the function timeout. */
  handler: StreamHandler | IsolatedHandler;
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

/**
 * Lambda's event source mapping for a DynamoDB stream, reproduced against DynamoDB Local: it applies the
 * starting position once, when the mapping is created; discovers shards (parents before children); splits each
 * shard into `parallelizationFactor` lanes by partition key, one batch in flight per lane; batches by size,
 * payload and window; filters with the mapping's criteria; invokes the handler with Lambda-shaped events under
 * the function's timeout; honours ReportBatchItemFailures; bisects, retries, expires and dead-letters like
 * Lambda; recovers from trimmed data; and checkpoints, never past a record a lane still holds, so a restart
 * resumes where it stopped. What it does not reproduce is listed in docs/local-poller.md's fidelity table.
 *
 * Reading the stream is `StreamReader`'s, a shard's lanes `ShardLanes`'s, delivering a batch
 * `FunctionDelivery`'s; the poller discovers shards and reads each one into its lanes.
 */
export class StreamPoller {
  readonly stats: PollerStats = { invocations: 0, recordsDelivered: 0, recordsFiltered: 0, recordsDeadLettered: 0 };
  private readonly finished = new Set<string>();
  private readonly reading = new Map<string, Promise<void>>();
  private running = false;
  private discovery?: Promise<void>;
  private readonly clock = new RecordClock();
  private readonly hashKey: string;
  private readonly pollIntervalMs: number;
  private readonly stream: StreamReader;
  private readonly delivery: FunctionDelivery;
  private readonly sandboxes?: SandboxPool;

  constructor(private readonly options: PollerOptions) {
    const { streams, streamArn, logger, settings, state } = options;
    this.hashKey = options.hashKey ?? orderTable.hashKey;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    const running = () => this.running;
    this.stream = new StreamReader({ streams, streamArn, logger, pollIntervalMs: this.pollIntervalMs, running });
    const functionName = options.functionName ?? SERVICE_NAME.processor;
    const { handler } = options;
    if (isIsolatedHandler(handler)) this.sandboxes = new SandboxPool(handler, logger);
    const fn: FunctionUnderTest = {
      ...(isIsolatedHandler(handler) ? { sandboxes: this.sandboxes } : { handler }),
      functionName,
      functionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
      timeoutMs: options.functionTimeoutMs ?? PROCESSOR_TIMEOUT_SECONDS * 1000,
      reportBatchItemFailures: settings.functionResponseTypes.includes('ReportBatchItemFailures'),
    };
    const retryDelayMs = options.retryDelayMs ?? ((attempt: number) => Math.min(5000, 200 * 2 ** (attempt - 1)));
    this.delivery = new FunctionDelivery({ fn, policy: settings, state, streamArn, logger, stats: this.stats, clock: this.clock, retryDelayMs, running });
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
    await this.sandboxes?.close();
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
        const shards = await this.stream.describeShards();
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
      for (const shard of await this.stream.describeShards()) {
        const { last, closed } = await this.stream.readToEnd(shard.shardId);
        if (last) await state.saveCheckpoint(streamArn, shard.shardId, last);
        if (closed) await state.markFinished(streamArn, shard.shardId);
      }
    }
    await state.recordMappingCreated(streamArn, settings.startingPosition);
    logger.info({ startingPosition: settings.startingPosition }, 'event source mapping created');
  }

  private async finishShard(shardId: string, why: string): Promise<void> {
    await this.options.state.markFinished(this.options.streamArn, shardId);
    this.finished.add(shardId);
    this.options.logger.info({ shardId }, why);
  }

  private async readShard(shardId: string): Promise<void> {
    const { state, streamArn } = this.options;
    const saved = await state.checkpoint(streamArn, shardId);
    if (saved.finished) {
      this.finished.add(shardId);
      return;
    }
    const progress = new ShardProgress(saved.sequenceNumber);
    const checkpoints = new CheckpointWriter(progress, (sequenceNumber) => state.saveCheckpoint(streamArn, shardId, sequenceNumber));
    let iterator = await this.stream.reopenIterator(shardId, saved.sequenceNumber);
    const lanes = new ShardLanes({
      count: this.parallelizationFactor,
      settings: this.options.settings,
      hashKey: this.hashKey,
      running: () => this.running,
      deliver: (batch) =>
        this.delivery.deliver(shardId, batch, async (upTo) => {
          for (const record of batch.slice(0, batch.indexOf(upTo) + 1)) progress.complete(sequenceOf(record));
          await checkpoints.commit();
        }),
    });
    try {
      while (this.running && iterator !== null) {
        lanes.throwIfFailed();
        if (iterator === SHARD_GONE) return await this.finishShard(shardId, 'shard no longer in the stream (trimmed); its children continue');
        // No iterator from GetShardIterator: a closed shard already read to its end.
        if (iterator === undefined) return await this.finishShard(shardId, 'shard finished');
        lanes.dispatch(false);
        if (lanes.holdReading(progress.tracked)) {
          await lanes.pause(this.pollIntervalMs);
          continue;
        }
        const page = await this.stream.readPage(shardId, iterator, lanes.readRoom(progress.tracked));
        if (!page) {
          // Resume from the checkpoint with a fresh iterator once the batches in flight are done; buffered
          // records are read again.
          await lanes.settle();
          lanes.clear();
          iterator = await this.stream.reopenIterator(shardId, progress.rewind());
          continue;
        }
        iterator = page.nextIterator;
        this.sortIntoLanes(page.records, progress, lanes);
        const closed = iterator === undefined;
        lanes.dispatch(closed);
        await checkpoints.commit();
        if (closed) {
          await lanes.drain();
          if (this.running) await this.finishShard(shardId, 'shard finished');
          return;
        }
        if (page.records.length === 0 || lanes.buffering) await lanes.pause(this.pollIntervalMs);
      }
    } finally {
      // Never leave a lane running behind a reader that has stopped: the shard would be read twice at once.
      await lanes.settle();
      await checkpoints.settle();
    }
  }

  /** Records just read, in Lambda's shape, into their lanes' buffers; the ones the filters drop are done at once. */
  private sortIntoLanes(records: StreamRecord[], progress: ShardProgress, lanes: ShardLanes): void {
    const { settings, streamArn } = this.options;
    for (const raw of records) {
      const record = toLambdaRecord(raw, streamArn);
      this.clock.read(record);
      const wanted = matchesAnyPattern(record, settings.filterPatterns);
      // Filtered records are done as soon as they are read: they move the checkpoint too, as in Lambda.
      progress.read(sequenceOf(record), !wanted);
      const buffer = lanes.bufferFor(record);
      if (wanted) buffer.push(record);
      else this.stats.recordsFiltered++;
    }
  }
}
