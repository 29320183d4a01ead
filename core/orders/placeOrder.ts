import { newOrder, type Order } from '../domain/order';
import { priceLines, type LineProblem, type OrderLine } from '../domain/pricing';
import { newOrderId } from '../ids';
import { IdempotencyMismatchError } from './errors';
import { requestHashOf } from '../hash';
import { SCOPE, currentTraceCarrier, inSpan } from '../tracing/context';
import type { OrderRepository, ProductCatalog } from './ports';

export interface PlaceOrderInput {
  customerId: string;
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
  | { kind: 'key-reused' };

/**
 * Places an order: prices the lines from the catalog (the client names products, the server sets prices),
 * then writes the order PENDING with its idempotency claim in one step. The stream processor decides it.
 */
export function placeOrder(deps: { orders: OrderRepository; catalog: ProductCatalog; clock: () => Date }) {
  return async (input: PlaceOrderInput): Promise<PlaceOrderResult> => {
    const priced = priceLines(input.lines, await deps.catalog.getMany(input.lines.map((line) => line.sku)));
    if (!priced.ok) return { kind: 'unorderable', problems: priced.problems };
    const claim = input.idempotencyKey ? { key: input.idempotencyKey, requestHash: requestHashOf(input.lines) } : undefined;
    try {
      // The processor's spans for this order hang under this one: its context is stored with the order.
      const created = await inSpan(SCOPE.api, 'orders.place', {}, (span) => {
        const now = deps.clock();
        const order = newOrder({ orderId: newOrderId(now), customerId: input.customerId, items: priced.items, currency: priced.currency, now });
        span.setAttribute('order.id', order.orderId);
        input.onOrderId?.(order.orderId);
        return deps.orders.create(order, claim, currentTraceCarrier());
      });
      return { kind: 'placed', order: created.order, replayed: created.replayed };
    } catch (err) {
      if (err instanceof IdempotencyMismatchError) return { kind: 'key-reused' };
      throw err;
    }
  };
}
