import { createHash } from 'node:crypto';

/**
 * TransactWriteItems' ClientRequestToken, as the API reference describes it: a token is valid for 10 minutes after
 * the first request that used it completed; within them the same request again succeeds without running (the
 * AWS SDKs send a token with every call and reuse it on their own retries), the same token with other parameters
 * is an IdempotentParameterMismatchException, and while the first is still running, a TransactionInProgressException.
 * Only a request that succeeded holds its token: a cancelled one may be sent again and runs again.
 */
export const TOKEN_WINDOW_MS = 10 * 60 * 1000;

export type TokenCheck = 'new' | 'replay' | 'mismatch' | 'in-progress';

interface Entry {
  hash: string;
  completedAt?: number;
}

/** What identifies a request for the token: everything but the token and what it asks to have returned. */
export function requestHash(input: Record<string, unknown>): string {
  const { ClientRequestToken: _token, ReturnConsumedCapacity: _capacity, ReturnItemCollectionMetrics: _metrics, ...rest } = input;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

export class RequestTokens {
  private readonly entries = new Map<string, Entry>();
  private started = 0;

  constructor(private readonly now: () => number) {}

  check(token: string, hash: string): TokenCheck {
    const entry = this.entries.get(token);
    if (entry?.completedAt !== undefined && this.now() - entry.completedAt > TOKEN_WINDOW_MS) this.entries.delete(token);
    const live = this.entries.get(token);
    if (!live) return 'new';
    if (live.hash !== hash) return 'mismatch';
    return live.completedAt === undefined ? 'in-progress' : 'replay';
  }

  start(token: string, hash: string): void {
    this.entries.set(token, { hash });
    if (++this.started % 1000 === 0) this.prune();
  }

  finish(token: string, succeeded: boolean): void {
    const entry = this.entries.get(token);
    if (!entry) return;
    if (succeeded) entry.completedAt = this.now();
    else this.entries.delete(token);
  }

  private prune(): void {
    const now = this.now();
    for (const [token, entry] of this.entries) if (entry.completedAt !== undefined && now - entry.completedAt > TOKEN_WINDOW_MS) this.entries.delete(token);
  }
}
