import { StockContentionError, WriteContentionError } from './errors';

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
// At most about 2.6 s of backoff per loop (a record may run two: the take, then a rejection), so 16 decisions at a
// time over a batch of 100 stay well inside the function's 60 s timeout even when every attempt conflicts.
export const HOT_PRODUCT_RETRY: ConflictRetryPolicy = { attempts: 10, baseDelayMs: 10, maxDelayMs: 500 };

/**
 * A new order whose transaction met another on its customer's count items or its Idempotency-Key claim (one
 * customer's concurrent orders, or a client retrying a request still in flight): a few quick attempts, since a
 * caller waits; what still conflicts is a 503 with Retry-After.
 */
export const ORDER_WRITE_RETRY: ConflictRetryPolicy = { attempts: 5, baseDelayMs: 10, maxDelayMs: 200 };

type ContentionError = StockContentionError | WriteContentionError;
const isContention = (err: unknown): err is ContentionError => err instanceof StockContentionError || err instanceof WriteContentionError;

/** Told of each retry: the attempt that conflicted and why. */
export type RetryObserver = (attempt: number, err: ContentionError) => void;

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
      if (!isContention(err) || attempt >= policy.attempts) throw err;
      onRetry(attempt, err);
      await sleep(Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
    }
  }
}
