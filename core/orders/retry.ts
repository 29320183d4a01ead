import { StockContentionError } from './errors';

export interface ConflictRetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Many orders for one product make their reservation transactions collide (TransactionConflict) although
 * stock is left: those are retried here with exponential backoff and full jitter, so that only a real shortage
 * rejects an order. What is still conflicting after the last attempt fails the record, and the event source
 * mapping retries it.
 */
export const HOT_PRODUCT_RETRY: ConflictRetryPolicy = { attempts: 8, baseDelayMs: 10, maxDelayMs: 500 };

/** Told of each retry: the attempt that conflicted and why. */
export type RetryObserver = (attempt: number, err: StockContentionError) => void;

export async function retryConflicts<T>(
  work: () => Promise<T>,
  policy: ConflictRetryPolicy = HOT_PRODUCT_RETRY,
  onRetry: RetryObserver = () => undefined,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof StockContentionError) || attempt >= policy.attempts) throw err;
      onRetry(attempt, err);
      await sleep(Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
    }
  }
}
