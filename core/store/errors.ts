import type { Order } from '../domain/order';

/** A conditional write lost: the order is no longer at the version/status it was read at. */
export class VersionConflictError extends Error {
  constructor(readonly orderId: string) {
    super(`order ${orderId} changed since it was read`);
    this.name = 'VersionConflictError';
  }
}

/** The same Idempotency-Key was used before with a different request body. */
export class IdempotencyMismatchError extends Error {
  constructor(readonly orderId: string) {
    super('this Idempotency-Key was already used with a different request');
    this.name = 'IdempotencyMismatchError';
  }
}

export interface CreatedOrder {
  order: Order;
  /** True when an earlier request with the same Idempotency-Key created this order. */
  replayed: boolean;
}

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
