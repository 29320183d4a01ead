import type { Order } from '../domain/order';

/**
 * What the order use cases and their ports report, in the domain's terms: the store (an adapter) raises these,
 * the API maps them to problems once.
 */

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

/**
 * Stock could not be moved because other writes contended for it (in DynamoDB, a transaction cancelled for a
 * concurrent transaction or throttling), not because it ran short: worth trying again.
 */
export class StockContentionError extends Error {
  constructor(readonly codes: string[]) {
    super(`stock transaction cancelled (${codes.join(', ')}); retry`);
    this.name = 'StockContentionError';
  }
}

/**
 * A new order could not be written because other writes contended for its customer's count items or its
 * Idempotency-Key claim (in DynamoDB, TransactionConflict or throttling), not because anything was refused:
 * worth trying again, and a 503 with Retry-After if it still is after the last attempt.
 */
export class WriteContentionError extends Error {
  constructor(readonly codes: string[]) {
    super(`order write cancelled (${codes.join(', ')}); retry`);
    this.name = 'WriteContentionError';
  }
}

/** A customer's limit (core/domain/limits.ts) turned an order away; nothing was written. */
export class OrderLimitError extends Error {
  constructor(
    readonly limit: 'open-orders' | 'orders-per-minute',
    readonly allowed: number,
    /** For the rate: seconds until the current minute's window closes. */
    readonly retryAfterSeconds?: number,
  ) {
    super(limit === 'open-orders' ? `at most ${allowed} open orders per customer` : `at most ${allowed} orders per minute per customer`);
    this.name = 'OrderLimitError';
  }
}

export interface CreatedOrder {
  order: Order;
  /** True when an earlier request with the same Idempotency-Key created this order. */
  replayed: boolean;
}
