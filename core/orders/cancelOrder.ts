import { ORDER_WRITE_RETRY, retryConflicts } from './retry';
import { cancel, canTransition, isVisibleTo, type Order, type OrderStatus } from '../domain/order';
import { VersionConflictError } from './errors';
import { SCOPE, currentTraceCarrier, inSpan } from '../tracing/context';
import type { Caller, OrderRepository } from './ports';

/** How often a cancel reads and decides again when someone else changed the order in between. */
export const CANCEL_ATTEMPTS = 5;

export type CancelOrderResult =
  | { kind: 'cancelled'; order: Order }
  /** No such order, or not the caller's: the same answer, so the caller learns nothing of others' orders. */
  | { kind: 'not-found' }
  | { kind: 'not-cancellable'; status: OrderStatus }
  /** It kept changing under us (the processor deciding, another cancel): nothing was written. */
  | { kind: 'busy' };

/**
 * Cancels an order: read, decide, write conditionally on the version read; on a conflict, read and decide
 * again. A CONFIRMED order's stock is released by the processor, on this request's trace.
 */
export function cancelOrder(deps: { orders: OrderRepository; clock: () => Date }) {
  return async (input: { orderId: string; caller: Caller; reason?: string }): Promise<CancelOrderResult> => {
    for (let attempt = 0; attempt < CANCEL_ATTEMPTS; attempt++) {
      const order = await deps.orders.get(input.orderId);
      if (!order || !isVisibleTo(order, input.caller)) return { kind: 'not-found' };
      if (!canTransition(order.status, 'CANCELLED')) return { kind: 'not-cancellable', status: order.status };
      try {
        const change = cancel(order, deps.clock(), input.reason);
        const cancelled = await inSpan(SCOPE.api, 'orders.cancel', { attributes: { 'order.id': input.orderId } }, () => {
          const trace = currentTraceCarrier();
          // The cancel leaves the customer's count item, which their other orders write too.
          return retryConflicts(() => deps.orders.apply(change, trace), ORDER_WRITE_RETRY);
        });
        return { kind: 'cancelled', order: cancelled };
      } catch (err) {
        if (!(err instanceof VersionConflictError)) throw err;
      }
    }
    return { kind: 'busy' };
  };
}
