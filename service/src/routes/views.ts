import type { Order } from '../../../core/domain/order';
import { isOrderId } from '../../../core/ids';
import { ProblemError, fieldError } from '../http/problem';

/** The public shape of an order: everything but storage bookkeeping. */
export function orderView(order: Order) {
  const { stockState: _stockState, ...view } = order;
  return view;
}

/** Cursors are opaque to clients; inside, just the last order id of the page (see OrderStore.listByCustomer). */
export const encodeCursor = (lastOrderId: string): string => Buffer.from(JSON.stringify({ after: lastOrderId })).toString('base64url');

export function decodeCursor(cursor: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof decoded.after === 'string' && isOrderId(decoded.after)) return decoded.after;
  } catch {
    // fall through to the problem below
  }
  throw new ProblemError(400, 'validation-error', 'The request query is not valid', 'query.cursor: is not a cursor this API issued', [
    fieldError('query', ['cursor'], 'is not a cursor this API issued'),
  ]);
}
