import { ORDER_WRITE_RETRY, retryConflicts } from './retry';
import { newOrder, type Order } from '../domain/order';
import { priceLines, type LineProblem, type OrderLine } from '../domain/pricing';
import { newOrderId } from '../ids';
import { lineLimitProblems, type CustomerLimits, type LineLimitProblem } from '../domain/limits';
import { IdempotencyMismatchError, OrderLimitError } from './errors';
import { LIMIT_EXEMPT_GROUPS } from '../userpool';
import { requestHashOf } from '../hash';
import { SCOPE, currentTraceCarrier, inSpan } from '../tracing/context';
import type { OrderRepository, ProductCatalog } from './ports';

export interface PlaceOrderInput {
  customerId: string;
  /** The customer's groups: members of LIMIT_EXEMPT_GROUPS (the load-test user) are held to no customer limits. */
  customerGroups?: readonly string[];
  lines: readonly OrderLine[];
  /** The client's Idempotency-Key, already checked for shape; the same key and lines give the same order. */
  idempotencyKey?: string;
  /**
   * Told the new order's id before it is written, inside the placement's span: the caller's log lines about a
   * write that fails (or times out, and may have landed) still name the order and its trace.
   */
  onOrderId?: (orderId: string) => void;
}

export type PlaceOrderResult =
  | { kind: 'placed'; order: Order; replayed: boolean }
  /** Unknown products, or lines in different currencies: nothing was written. */
  | { kind: 'unorderable'; problems: LineProblem[] }
  /** The key was used before with other lines: nothing was written. */
  | { kind: 'key-reused' }
  /** Lines past the customer's limits (units per line, lines per order): nothing was written. */
  | { kind: 'over-line-limits'; problems: LineLimitProblem[] }
  /** The customer's open orders or their rate are at the limit: nothing was written. */
  | { kind: 'limited'; limit: OrderLimitError['limit']; allowed: number; retryAfterSeconds?: number };

/**
 * Places an order: prices the lines from the catalog (the client names products, the server sets prices),
 * then writes the order PENDING with its idempotency claim in one step. The stream processor decides it.
 */
export function placeOrder(deps: { orders: OrderRepository; catalog: ProductCatalog; clock: () => Date; limits?: CustomerLimits }) {
  return async (input: PlaceOrderInput): Promise<PlaceOrderResult> => {
    const exempt = input.customerGroups?.some((group) => LIMIT_EXEMPT_GROUPS.includes(group)) ?? false;
    const limits = exempt ? undefined : deps.limits;
    const overLimits = limits ? lineLimitProblems(input.lines, limits) : [];
    if (overLimits.length > 0) return { kind: 'over-line-limits', problems: overLimits };
    const quota = limits && { openOrders: limits.openOrders, ordersPerMinute: limits.ordersPerMinute };
    const priced = priceLines(input.lines, await deps.catalog.getMany(input.lines.map((line) => line.sku)));
    if (!priced.ok) return { kind: 'unorderable', problems: priced.problems };
    const claim = input.idempotencyKey ? { key: input.idempotencyKey, requestHash: requestHashOf(input.lines) } : undefined;
    try {
      // The processor's spans for this order hang under this one: its context is stored with the order.
      const created = await inSpan(SCOPE.api, 'orders.place', {}, (span) => {
        const now = deps.clock();
        const placed = newOrder({ orderId: newOrderId(now), customerId: input.customerId, items: priced.items, currency: priced.currency, now });
        // Counted among the customer's open orders only where limits apply (not for the load-test group).
        const order = { ...placed, countedAsOpen: quota !== undefined };
        span.setAttribute('order.id', order.orderId);
        input.onOrderId?.(order.orderId);
        const trace = currentTraceCarrier();
        // One customer's concurrent orders (or a retried request still in flight) meet on the same items.
        return retryConflicts(() => deps.orders.create(order, claim, trace, quota), ORDER_WRITE_RETRY);
      });
      return { kind: 'placed', order: created.order, replayed: created.replayed };
    } catch (err) {
      if (err instanceof IdempotencyMismatchError) return { kind: 'key-reused' };
      if (err instanceof OrderLimitError) {
        return { kind: 'limited', limit: err.limit, allowed: err.allowed, ...(err.retryAfterSeconds ? { retryAfterSeconds: err.retryAfterSeconds } : {}) };
      }
      throw err;
    }
  };
}
