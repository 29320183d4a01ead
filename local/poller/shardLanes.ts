import type { DynamoDBRecord } from 'aws-lambda';
import type { EventSourceMappingSettings } from '../../core/eventSourceMapping';
import { BatchBuffer } from './batches';
import { laneOf } from './lanes';
import { sleep } from './sleep';

/** Records a shard's reader keeps ahead of its checkpoint (per lane, in batches) before it stops reading on. */
const READ_AHEAD_BATCHES = 10;

/** One of a shard's `parallelizationFactor` lanes: its own batches, one in flight at a time. */
interface Lane {
  buffer: BatchBuffer;
  inFlight?: Promise<void>;
  windowStart: number;
}

export interface ShardLanesOptions {
  /** Lanes per shard: the mapping's `parallelizationFactor`. */
  count: number;
  settings: Pick<EventSourceMappingSettings, 'batchSize' | 'maximumBatchingWindowInSeconds'>;
  /** The table's partition key attribute: records with the same value share a lane. */
  hashKey: string;
  /** Whether the poller is still running: no batch is started once it is not. */
  running: () => boolean;
  /** Delivers one batch of a lane to the function, resolving once every record of it is done. */
  deliver: (batch: DynamoDBRecord[]) => Promise<void>;
}

/**
 * One shard's records split into lanes by partition key: each lane delivers its batches in stream order, one
 * in flight at a time, while the lanes run side by side.
 */
export class ShardLanes {
  private readonly lanes: Lane[];
  private readonly failures: unknown[] = []; // of lanes, rethrown by the reader once every lane has settled

  constructor(private readonly options: ShardLanesOptions) {
    this.lanes = Array.from({ length: options.count }, () => ({ buffer: new BatchBuffer(options.settings.batchSize), windowStart: Date.now() }));
  }

  /** The buffer of the lane a record belongs to. */
  bufferFor(record: DynamoDBRecord): BatchBuffer {
    const lane = this.lanes[laneOf(record, this.lanes.length, this.options.hashKey)];
    if (!lane) throw new Error('a record hashed to no lane');
    return lane.buffer;
  }

  /** Starts a batch on every idle lane whose batch is ready: full, its window passed, or the shard `closed`. */
  dispatch(closed: boolean): void {
    const { settings, running, deliver } = this.options;
    for (const lane of this.lanes) {
      const waited = Date.now() - lane.windowStart >= settings.maximumBatchingWindowInSeconds * 1000;
      if (!running() || lane.inFlight || lane.buffer.length === 0 || !(lane.buffer.full || closed || waited)) continue;
      const batch = lane.buffer.take();
      lane.inFlight = deliver(batch)
        .catch((error: unknown) => void this.failures.push(error))
        .finally(() => {
          delete lane.inFlight;
          // Lambda's batching window starts when the previous invocation completes, not when a record arrives.
          lane.windowStart = Date.now();
        });
    }
  }

  /** Rethrows the first failure of a lane's delivery. */
  throwIfFailed(): void {
    if (this.failures.length) throw this.failures[0];
  }

  /** Whether the reader must wait before reading on, holding `tracked` records not yet behind the checkpoint. */
  holdReading(tracked: number): boolean {
    // A lane still busy with a full batch waiting, or a slow lane holding the checkpoint far behind what was
    // read, holds the shard back (a failing batch blocks, as in Lambda) rather than letting memory grow.
    return this.lanes.some((lane) => lane.inFlight && lane.buffer.full) || this.readRoom(tracked) <= 0;
  }

  /** How many more records the reader may read, holding `tracked`: it stops ten batches per lane ahead of the checkpoint. */
  readRoom(tracked: number): number {
    return this.lanes.length * this.options.settings.batchSize * READ_AHEAD_BATCHES - tracked;
  }

  /** Some lane has records waiting for a batch. */
  get buffering(): boolean {
    return this.lanes.some((lane) => lane.buffer.length > 0);
  }

  /** Waits `ms`, or less if a lane's batch completes first. */
  async pause(ms: number): Promise<void> {
    await Promise.race([sleep(ms), ...this.inFlight()]);
  }

  /** Waits until no batch is in flight, whatever their outcome. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.inFlight());
  }

  /** Drops every buffered record: the shard is read again from its checkpoint. */
  clear(): void {
    for (const lane of this.lanes) lane.buffer.clear();
  }

  /** Delivers everything buffered (the shard is closed) and waits for it; rethrows a lane's failure. */
  async drain(): Promise<void> {
    while (this.options.running() && this.lanes.some((lane) => lane.inFlight !== undefined || lane.buffer.length > 0)) {
      this.dispatch(true);
      await Promise.race(this.inFlight());
      this.throwIfFailed();
    }
    // A lane that failed after the last look must not let the shard count as read to its end.
    this.throwIfFailed();
  }

  private inFlight(): Promise<void>[] {
    return this.lanes.flatMap((lane) => (lane.inFlight ? [lane.inFlight] : []));
  }
}
