import type { Order, Transition } from '../domain/order';
import type { Product } from '../domain/product';
import type { Shortage } from '../domain/stock';
import type { CreatedOrder } from './errors';
import type { TraceCarrier } from '../tracing/context';

/**
 * What the order use cases need from the outside, as interfaces: the store implements them in AWS and locally,
 * tests hand in plain objects.
 */
export interface OrderRepository {
  get(orderId: string): Promise<Order | undefined>;
  /**
   * Writes a new order, counted among its customer's open orders, with its Idempotency-Key claim, atomically; a
   * claim already made replays its order. With `quota`, an order past the customer's open-order or per-minute
   * limit is refused with OrderLimitError and nothing is written.
   */
  create(order: Order, claim?: IdempotencyClaim, trace?: TraceCarrier, quota?: OrderQuota): Promise<CreatedOrder>;
  /**
   * A conditional write of one transition (an order closing leaves its customer's open count in the same write);
   * a concurrent change makes it fail with VersionConflictError.
   */
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

/** The limits an order's creation is held to, where they apply to its customer. */
export interface OrderQuota {
  openOrders: number;
  ordersPerMinute: number;
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

/**
 * Where stock is held. Each move lands together with the order's own change (the transition, written on its
 * condition) or not at all, so stock and order never disagree. Contention for the stock (other writes, not a
 * shortage) throws StockContentionError.
 */
export interface StockLedger {
  /** Takes every line of `confirmation.next` from stock; `stale` when the order is no longer where it was read. */
  take(confirmation: Transition): Promise<StockTake>;
  /** Puts every line of `release.next` back; `stale` when it was already given back. */
  giveBack(release: Transition): Promise<'given-back' | 'stale'>;
}

export type StockTake = { kind: 'taken' } | { kind: 'stale' } | { kind: 'short'; shortages: Shortage[] };

/** Who asks: customers see and change their own orders, admins all of them. */
export interface Caller {
  sub: string;
  isAdmin: boolean;
}
