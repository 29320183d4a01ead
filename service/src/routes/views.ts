import { createHash } from 'node:crypto';
import type { Order } from '../../../core/domain/order';
import { productSeenBy, type Product } from '../../../core/domain/product';
import { isOrderId } from '../../../core/ids';
import { ProblemError, fieldError } from '../http/problem';
import * as published from '../schemas';

/** Who reads: an admin's view holds what a customer's leaves out. */
export interface Reader {
  isAdmin: boolean;
}

/**
 * The public shape of an order, built by allow-list: the published schema keeps the fields it declares and
 * drops the rest, so a field added to Order for bookkeeping never reaches a client unless it is published.
 * A customer's view also drops each status change's `detail` (a rejection's stock counts), which only admins read.
 */
export const orderView = (order: Order, reader: Reader) =>
  published.Order.parse(reader.isAdmin ? order : { ...order, history: order.history.map(({ detail: _detail, ...change }) => change) });

/** A product with its availability; its stock count only in an admin's view (the domain's rule). */
export const productView = (product: Product, reader: Reader) => published.Product.parse(productSeenBy(product, reader));

/** Binds a cursor to the caller it was issued to (a short hash of their subject). */
const holderOf = (customerId: string) => createHash('sha256').update(customerId).digest('base64url').slice(0, 12);

const invalidCursor = (reason: string) =>
  new ProblemError(400, 'validation-error', 'The request query is not valid', `query.cursor: ${reason}`, [fieldError('query', ['cursor'], reason)]);

const NOT_OURS = 'is not a cursor this API issued';

const decoded = (cursor: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Cursors are opaque to clients; inside, the last order id of the page and whom it was issued to. The store
 * only ever continues inside the caller's own partition (see OrderStore.listByCustomer); the binding turns a
 * cursor replayed by someone else into a 400 instead of a silently different page.
 */
export const encodeCursor = (lastOrderId: string, customerId: string): string =>
  Buffer.from(JSON.stringify({ after: lastOrderId, for: holderOf(customerId) })).toString('base64url');

export function decodeCursor(cursor: string, customerId: string): string {
  const { after, for: holder } = decoded(cursor) ?? {};
  if (typeof after !== 'string' || !isOrderId(after)) throw invalidCursor(NOT_OURS);
  if (holder !== holderOf(customerId)) throw invalidCursor('was issued to another caller');
  return after;
}

/**
 * A product list cursor: the last SKU of the page, tagged as the catalog's so no other cursor passes for one.
 * It is not bound to a caller (every caller sees the same catalog) and the store rebuilds the start key inside
 * the catalog's partition, so a cursor made up by hand can only start a page at a SKU of its choosing.
 */
export const encodeProductCursor = (lastSku: string): string => Buffer.from(JSON.stringify({ in: 'catalog', after: lastSku })).toString('base64url');

export function decodeProductCursor(cursor: string): string {
  const { in: list, after } = decoded(cursor) ?? {};
  const sku = published.Sku.safeParse(after);
  if (list !== 'catalog' || !sku.success) throw invalidCursor(NOT_OURS);
  return sku.data;
}
