import { WriteContentionError } from './orders/errors';

/**
 * How DynamoDB reports a lost condition or a contended write, read by the store, the API's error mapping and the
 * gate's bootstrap alike; the errors the use cases see are in core/orders/errors.ts.
 */
const CONDITION_FAILED = 'ConditionalCheckFailedException';
export const isConditionFailed = (err: unknown): boolean => (err as { name?: string })?.name === CONDITION_FAILED;

export interface CancellationReason {
  Code?: string;
  Item?: Record<string, unknown>;
}

/** The per-item reasons of a TransactionCanceledException, or undefined for any other error. */
export function cancellationReasons(err: unknown): CancellationReason[] | undefined {
  const e = err as { name?: string; CancellationReasons?: CancellationReason[] };
  return e?.name === 'TransactionCanceledException' ? (e.CancellationReasons ?? []) : undefined;
}

/**
 * The codes of a write cancelled only because other writes held its items or DynamoDB throttled them (nothing
 * was refused, so it can simply be tried again), or undefined for any other error.
 */
export function contentionCodes(err: unknown): string[] | undefined {
  if ((err as { name?: string })?.name === 'TransactionConflictException') return ['TransactionConflict'];
  const reasons = cancellationReasons(err);
  if (!reasons || reasons.some((r) => r.Code === 'ConditionalCheckFailed')) return undefined;
  return reasons.some((r) => r.Code === 'TransactionConflict' || r.Code === 'ThrottlingError') ? reasons.map((r) => r.Code ?? 'None') : undefined;
}

/** A write only contended for (contentionCodes) becomes the use cases' WriteContentionError, which they try again. */
export function throwIfContended(err: unknown): void {
  const codes = contentionCodes(err);
  if (codes) throw new WriteContentionError(codes);
}
