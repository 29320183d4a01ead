import { createHash } from 'node:crypto';
import type { Order } from '../../../core/domain/order';
import type { Product } from '../../../core/domain/product';
import { isOrderId } from '../../../core/ids';
import { ProblemError, fieldError } from '../http/problem';
import * as published from '../schemas';

/**
 * The public shape of an order, built by allow-list: the published schema keeps the fields it declares and
 * drops the rest, so a field added to Order for bookkeeping never reaches a client unless it is published.
 */
export const orderView = (order: Order) => published.Order.parse(order);

export const productView = (product: Product) => published.Product.parse(product);

/** Binds a cursor to the caller it was issued to (a short hash of their subject). */
const holderOf = (customerId: string) => createHash('sha256').update(customerId).digest('base64url').slice(0, 12);

/**
 * Cursors are opaque to clients; inside, the last order id of the page and whom it was issued to. The store
 * only ever continues inside the caller's own partition (see OrderStore.listByCustomer); the binding turns a
 * cursor replayed by someone else into a 400 instead of a silently different page.
 */
export const encodeCursor = (lastOrderId: string, customerId: string): string =>
  Buffer.from(JSON.stringify({ after: lastOrderId, for: holderOf(customerId) })).toString('base64url');

export function decodeCursor(cursor: string, customerId: string): string {
  let reason = 'is not a cursor this API issued';
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown; for?: unknown };
    if (typeof decoded.after === 'string' && isOrderId(decoded.after)) {
      if (decoded.for === holderOf(customerId)) return decoded.after;
      reason = 'was issued to another caller';
    }
  } catch {
    // fall through to the problem below
  }
  throw new ProblemError(400, 'validation-error', 'The request query is not valid', `query.cursor: ${reason}`, [fieldError('query', ['cursor'], reason)]);
}
