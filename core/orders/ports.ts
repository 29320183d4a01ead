import type { Order } from '../domain/order';
import type { Transition } from '../domain/order';
import type { Product } from '../domain/product';
import type { CreatedOrder } from './errors';
import type { TraceCarrier } from '../tracing/context';

/**
 * What the order use cases need from the outside, as interfaces: the store implements them in AWS and locally,
 * tests hand in plain objects.
 */
export interface OrderRepository {
  get(orderId: string): Promise<Order | undefined>;
  /** Writes a new order (and its Idempotency-Key claim, atomically); a claim already made replays its order. */
  create(order: Order, claim?: IdempotencyClaim, trace?: TraceCarrier): Promise<CreatedOrder>;
  /** A conditional write of one transition; a concurrent change makes it fail with VersionConflictError. */
  apply(change: Transition, trace?: TraceCarrier): Promise<Order>;
}

/** One page of a customer's orders, newest first. */
export interface OrderPage {
  orders: Order[];
  /** Present when more orders follow: the id of the last order returned. */
  lastOrderId?: string;
}

/** A customer's orders, a page at a time (only that customer's partition is ever read). */
export interface OrderListing {
  listByCustomer(customerId: string, limit: number, afterOrderId?: string): Promise<OrderPage>;
}

/** An Idempotency-Key claimed with the order it created. */
export interface IdempotencyClaim {
  key: string;
  /** Hash of the validated request body: the same key with another body is a client error. */
  requestHash: string;
}

/** Current products by sku, for pricing (a cache may answer). */
export interface ProductCatalog {
  getMany(skus: readonly string[]): Promise<Map<string, Product>>;
}

/** What the stream processor does to stock: both are idempotent, a redelivered record changes nothing. */
export interface StockReservations {
  reserveStock(order: Order, now: Date): Promise<ReservationOutcome>;
  releaseStock(order: Order): Promise<ReleaseOutcome>;
}

export type ReservationOutcome =
  | { outcome: 'CONFIRMED'; order: Order }
  | { outcome: 'REJECTED'; order: Order; reason: string }
  /** The order was no longer PENDING at this version (redelivery, or the customer cancelled first). */
  | { outcome: 'UNCHANGED' };

export type ReleaseOutcome = { outcome: 'RELEASED' } | { outcome: 'UNCHANGED' };

/** Who asks: customers see and change their own orders, admins all of them. */
export interface Caller {
  sub: string;
  isAdmin: boolean;
}
