import type { DynamoDBRecord } from 'aws-lambda';
import { endsOf } from './lambdaEvent';

/** What one invocation of the function did with a batch. */
export type InvokeResult =
  | { kind: 'ok' }
  /** ReportBatchItemFailures: records before `firstFailed` succeeded; it and everything after are redelivered. */
  | { kind: 'partial'; firstFailed: number; error: string }
  /** The function errored (threw, timed out, crashed, or returned what cannot be serialised): the whole batch failed. */
  | { kind: 'error'; error: string }
  /**
   * The function returned normally, but its ReportBatchItemFailures response fails the whole batch (an empty, null
   * or unknown itemIdentifier, or a batchItemFailures that is not a list): retried, not a function error.
   */
  | { kind: 'failed'; error: string };

/** The on-failure record's `condition`, as Lambda writes it for a stream batch it gives up on. */
export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface DeliveryPolicy {
  bisectBatchOnFunctionError: boolean;
  /** -1: retry until the records expire. */
  maximumRetryAttempts: number;
  /** -1: until the stream's retention trims them. */
  maximumRecordAgeInSeconds: number;
}

/** DynamoDB Streams keeps a record for 24 hours: with no age limit, that is when a failing record leaves. */
export const STREAM_RETENTION_SECONDS = 24 * 60 * 60;

export interface DeliveryHooks {
  invoke(records: DynamoDBRecord[]): Promise<InvokeResult>;
  /** Everything up to and including `record` is done (delivered or dead-lettered). */
  checkpoint(record: DynamoDBRecord): Promise<void>;
  /** `functionError`: whether the last failed invocation was the function erroring (not a partial-batch report). */
  deadLetter(records: DynamoDBRecord[], condition: FailureCondition, invokeCount: number, lastError: string, functionError: boolean): Promise<void>;
  /** Pause before retry number `attempt` (1-based). */
  backoff(attempt: number): Promise<void>;
  /** How old the record is now, in seconds (never more than it really is). */
  ageSeconds(record: DynamoDBRecord): number;
  stopped(): boolean;
}

interface Pending {
  records: DynamoDBRecord[];
  /** Retries so far (bisecting does not count one). */
  retries: number;
  invocations: number;
  lastError: string;
  /** The last failure was the function erroring (as opposed to reporting failed records). */
  functionErrored: boolean;
}

/**
 * Delivers one batch the way Lambda's event source mapping does for a stream: the batch (or what is left of
 * it) is retried until it succeeds, its records grow too old (each record on its own), or it runs out of
 * retries, and only then does
 * the shard move on. A function error splits the batch in two when bisecting is on; a partial failure
 * checkpoints before the lowest failed record and redelivers from there. Resolves when every record of the
 * batch is done; returns early (without checkpointing the rest) if the poller is stopped.
 */
export async function deliverBatch(records: DynamoDBRecord[], policy: DeliveryPolicy, hooks: DeliveryHooks): Promise<void> {
  const maximumAge = policy.maximumRecordAgeInSeconds >= 0 ? Math.min(policy.maximumRecordAgeInSeconds, STREAM_RETENTION_SECONDS) : STREAM_RETENTION_SECONDS;
  const queue: Pending[] = [{ records, retries: 0, invocations: 0, lastError: '', functionErrored: false }];
  for (let pending = queue.shift(); pending; pending = queue.shift()) {
    if (hooks.stopped()) return;
    // Only the records that are too old leave; the younger rest of the batch is still delivered. Records are in
    // stream order, so the expired ones are the front of the batch.
    let expired = 0;
    pending.records.forEach((record, i) => {
      if (hooks.ageSeconds(record) > maximumAge) expired = i + 1;
    });
    if (expired > 0) {
      await giveUp({ ...pending, records: pending.records.slice(0, expired) }, 'RecordAgeExceeded');
      if (expired === pending.records.length) continue;
      pending.records = pending.records.slice(expired);
    }
    const result = await hooks.invoke(pending.records);
    pending.invocations++;
    if (result.kind === 'ok') {
      await hooks.checkpoint(endsOf(pending.records).last);
      continue;
    }
    pending.lastError = result.error;
    pending.functionErrored = result.kind === 'error';
    if (result.kind === 'partial') {
      const lastDone = pending.records[result.firstFailed - 1];
      if (lastDone) await hooks.checkpoint(lastDone);
      await retryOrGiveUp({ ...pending, records: pending.records.slice(result.firstFailed) });
      continue;
    }
    // Bisecting is for function errors; a response that fails the whole batch is retried whole.
    if (result.kind === 'failed') {
      await retryOrGiveUp(pending);
      continue;
    }
    if (policy.bisectBatchOnFunctionError && pending.records.length > 1) {
      const middle = Math.ceil(pending.records.length / 2);
      queue.unshift({ ...pending, records: pending.records.slice(0, middle) }, { ...pending, records: pending.records.slice(middle) });
      continue;
    }
    await retryOrGiveUp(pending);
  }

  async function retryOrGiveUp(pending: Pending) {
    if (policy.maximumRetryAttempts >= 0 && pending.retries >= policy.maximumRetryAttempts) {
      await giveUp(pending, 'RetryAttemptsExhausted');
      return;
    }
    await hooks.backoff(pending.retries + 1);
    queue.unshift({ ...pending, retries: pending.retries + 1 });
  }

  async function giveUp(pending: Pending, condition: FailureCondition) {
    await hooks.deadLetter(pending.records, condition, pending.invocations, pending.lastError, pending.functionErrored);
    await hooks.checkpoint(endsOf(pending.records).last);
  }
}
