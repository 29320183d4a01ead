import type { DynamoDBRecord } from 'aws-lambda';

/** What one invocation of the function did with a batch. */
export type InvokeResult =
  | { kind: 'ok' }
  /** ReportBatchItemFailures: records before `firstFailed` succeeded; it and everything after are redelivered. */
  | { kind: 'partial'; firstFailed: number; error: string }
  /** The function threw (or reported failures Lambda cannot place): the whole batch failed. */
  | { kind: 'error'; error: string };

export interface DeliveryPolicy {
  bisectBatchOnFunctionError: boolean;
  /** -1: retry until the records expire. */
  maximumRetryAttempts: number;
  /** -1: no limit. */
  maximumRecordAgeInSeconds: number;
}

export interface DeliveryHooks {
  invoke(records: DynamoDBRecord[]): Promise<InvokeResult>;
  /** Everything up to and including `record` is done (delivered or dead-lettered). */
  checkpoint(record: DynamoDBRecord): Promise<void>;
  /** `functionError`: whether the last failed invocation was the function erroring (not a partial-batch report). */
  deadLetter(records: DynamoDBRecord[], condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded', invokeCount: number, lastError: string, functionError: boolean): Promise<void>;
  /** Pause before retry number `attempt` (1-based). */
  backoff(attempt: number): Promise<void>;
  nowSeconds(): number;
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
 * it) is retried until it succeeds, its records grow too old, or it runs out of retries, and only then does
 * the shard move on. A function error splits the batch in two when bisecting is on; a partial failure
 * checkpoints before the lowest failed record and redelivers from there. Resolves when every record of the
 * batch is done; returns early (without checkpointing the rest) if the poller is stopped.
 */
export async function deliverBatch(records: DynamoDBRecord[], policy: DeliveryPolicy, hooks: DeliveryHooks): Promise<void> {
  const queue: Pending[] = [{ records, retries: 0, invocations: 0, lastError: '', functionErrored: false }];
  while (queue.length > 0) {
    if (hooks.stopped()) return;
    const pending = queue.shift()!;
    const oldest = pending.records[0]?.dynamodb?.ApproximateCreationDateTime ?? hooks.nowSeconds();
    if (policy.maximumRecordAgeInSeconds >= 0 && hooks.nowSeconds() - oldest > policy.maximumRecordAgeInSeconds) {
      await giveUp(pending, 'RecordAgeExceeded');
      continue;
    }
    const result = await hooks.invoke(pending.records);
    pending.invocations++;
    if (result.kind === 'ok') {
      await hooks.checkpoint(pending.records.at(-1)!);
      continue;
    }
    pending.lastError = result.error;
    pending.functionErrored = result.kind === 'error';
    if (result.kind === 'partial') {
      if (result.firstFailed > 0) await hooks.checkpoint(pending.records[result.firstFailed - 1]!);
      await retryOrGiveUp({ ...pending, records: pending.records.slice(result.firstFailed) });
      continue;
    }
    if (policy.bisectBatchOnFunctionError && pending.records.length > 1) {
      const middle = Math.ceil(pending.records.length / 2);
      queue.unshift(
        { ...pending, records: pending.records.slice(0, middle) },
        { ...pending, records: pending.records.slice(middle) },
      );
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

  async function giveUp(pending: Pending, condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded') {
    await hooks.deadLetter(pending.records, condition, pending.invocations, pending.lastError, pending.functionErrored);
    await hooks.checkpoint(pending.records.at(-1)!);
  }
}
