import { isVisibleTo, type Order } from '../domain/order';
import type { Caller, OrderListing, OrderPage, OrderRepository } from './ports';

/** No such order, or not the caller's: the same answer, so the caller learns nothing of others' orders. */
export type GetOrderResult = { kind: 'found'; order: Order } | { kind: 'not-found' };

/** One order, if the caller may see it (the visibility rule is the domain's, applied here and by every change). */
export function getOrder(deps: { orders: Pick<OrderRepository, 'get'> }) {
  return async (input: { orderId: string; caller: Caller }): Promise<GetOrderResult> => {
    const order = await deps.orders.get(input.orderId);
    return order && isVisibleTo(order, input.caller) ? { kind: 'found', order } : { kind: 'not-found' };
  };
}

/** The caller's own orders, newest first, a page at a time after `afterOrderId`. */
export function listOrders(deps: { orders: OrderListing }) {
  return (input: { caller: Caller; limit: number; afterOrderId?: string }): Promise<OrderPage> =>
    deps.orders.listByCustomer(input.caller.sub, input.limit, input.afterOrderId);
}
