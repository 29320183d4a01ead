import { randomUUID } from 'node:crypto';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Logger } from 'pino';
import { ulid } from 'ulid';
import { deliverBatch, type DeliveryPolicy, type FailureCondition } from './deliver';
import { invokeFunction, type FunctionUnderTest } from './invoke';
import { endsOf, sequenceOf } from './lambdaEvent';
import type { RecordClock } from './recordClock';
import { sleep } from './sleep';
import type { PollerState } from './state';

/** The poller's counts that delivery keeps. */
export interface DeliveryStats {
  invocations: number;
  recordsDelivered: number;
  recordsDeadLettered: number;
}

export interface FunctionDeliveryOptions {
  fn: FunctionUnderTest;
  policy: DeliveryPolicy;
  state: PollerState;
  streamArn: string;
  logger: Logger;
  stats: DeliveryStats;
  /** When each record was read: its age, and its arrival in an on-failure record. */
  clock: RecordClock;
  /** Pause before retry n; Lambda backs off too, tests want it short. */
  retryDelayMs: (attempt: number) => number;
  /** Whether the poller is still running: delivery stops when it is not. */
  running: () => boolean;
}

/**
 * A lane's batches delivered to the function under test: invoked, retried, bisected and expired by
 * `deliverBatch`, counted in the poller's stats, and dead-lettered to the poller's state with the on-failure
 * record Lambda would send.
 */
export class FunctionDelivery {
  constructor(private readonly options: FunctionDeliveryOptions) {}

  /** Delivers one batch read from `shardId`; `done` hears of every record that is done, up to `upTo`. */
  async deliver(shardId: string, batch: DynamoDBRecord[], done: (upTo: DynamoDBRecord) => Promise<void>): Promise<void> {
    const { fn, policy, stats, clock, retryDelayMs, running } = this.options;
    await deliverBatch(batch, policy, {
      invoke: async (records) => {
        stats.invocations++;
        const result = await invokeFunction(fn, records);
        stats.recordsDelivered += result.kind === 'ok' ? records.length : result.kind === 'partial' ? result.firstFailed : 0;
        return result;
      },
      checkpoint: done,
      deadLetter: (records, condition, invokeCount, lastError, functionError) =>
        this.deadLetter(shardId, records, condition, invokeCount, lastError, functionError),
      backoff: (attempt) => sleep(retryDelayMs(attempt)),
      ageSeconds: (record) => clock.ageSeconds(record),
      stopped: () => !running(),
    });
  }

  private async deadLetter(
    shardId: string,
    records: DynamoDBRecord[],
    condition: FailureCondition,
    invokeCount: number,
    lastError: string,
    functionError: boolean,
  ): Promise<void> {
    const { fn, state, streamArn, logger, stats, clock } = this.options;
    const { first, last } = endsOf(records);
    await state.addDeadLetter({
      id: ulid(),
      records,
      lastError,
      onFailure: {
        requestContext: { requestId: randomUUID(), functionArn: fn.functionArn, condition, approximateInvokeCount: invokeCount },
        // As Lambda writes it: functionError only when the function itself errored, not for reported failures.
        responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(functionError ? { functionError: 'Unhandled' } : {}) },
        version: '1.0',
        timestamp: new Date().toISOString(),
        DDBStreamBatchInfo: {
          shardId,
          startSequenceNumber: sequenceOf(first),
          endSequenceNumber: sequenceOf(last),
          approximateArrivalOfFirstRecord: clock.arrival(first),
          approximateArrivalOfLastRecord: clock.arrival(last),
          batchSize: records.length,
          streamArn,
        },
      },
    });
    stats.recordsDeadLettered += records.length;
    logger.error({ shardId, condition, records: records.length, lastError }, 'batch sent to the dead-letter store');
  }
}
