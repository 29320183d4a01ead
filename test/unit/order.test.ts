import {
  ORDER_STATUSES,
  IllegalTransitionError,
  allowedSources,
  canTransition,
  cancel,
  confirm,
  isTerminal,
  isVisibleTo,
  mustReleaseStock,
  newOrder,
  reject,
  releaseStock,
  type Order,
  type OrderStatus,
} from '../../core/domain/order';
import { newOrderId } from '../../core/ids';
import { STOCK_STATES, canMoveStock, insufficientStockReason, stockSources } from '../../core/domain/stock';
import { itemToOrder, orderToItem } from '../../core/tableItems';
import { orderView } from '../../service/src/routes/views';

const at = new Date('2026-01-02T03:04:05.000Z');
const later = new Date('2026-01-02T03:05:00.000Z');
const fresh = () =>
  newOrder({
    orderId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    customerId: 'c1',
    items: [
      { sku: 'A', quantity: 2, unitPrice: 150 },
      { sku: 'B', quantity: 1, unitPrice: 99 },
    ],
    currency: 'EUR',
    now: at,
  });

describe('order lifecycle', () => {
  it('starts PENDING at version 1 with a computed total and one history entry', () => {
    expect(fresh()).toMatchObject({ status: 'PENDING', version: 1, total: 399, stockState: 'NONE', history: [{ status: 'PENDING', at: at.toISOString() }] });
  });

  it('allows exactly the documented transitions', () => {
    const allowed = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`));
    expect(allowed.sort()).toEqual(['CONFIRMED->CANCELLED', 'PENDING->CANCELLED', 'PENDING->CONFIRMED', 'PENDING->REJECTED']);
    expect(ORDER_STATUSES.filter(isTerminal)).toEqual(['REJECTED', 'CANCELLED']);
  });

  it('derives the store condition from the same graph', () => {
    expect(allowedSources('CANCELLED')).toEqual(['PENDING', 'CONFIRMED']);
    expect(allowedSources('CONFIRMED')).toEqual(['PENDING']);
    expect(allowedSources('PENDING')).toEqual([]);
  });

  it('confirming reserves stock, bumps the version and records history', () => {
    const change = confirm(fresh(), later);
    expect(change).toMatchObject({ from: 'PENDING', expectedVersion: 1 });
    expect(change.next).toMatchObject({ status: 'CONFIRMED', stockState: 'RESERVED', version: 2, updatedAt: later.toISOString() });
    expect(change.next.history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
  });

  it('rejecting keeps the reason', () => {
    expect(reject(fresh(), later, 'KB-001: 0 in stock').next.history.at(-1)).toEqual({
      status: 'REJECTED',
      at: later.toISOString(),
      reason: 'KB-001: 0 in stock',
    });
  });

  it('records a cancel as the customer’s unless told whose', () => {
    expect(cancel(fresh(), later).next.history.at(-1)).toEqual({ status: 'CANCELLED', at: later.toISOString(), reason: 'cancelled by customer' });
    expect(cancel(fresh(), later, 'cancelled by support').next.history.at(-1)?.reason).toBe('cancelled by support');
  });

  it.each<[OrderStatus, OrderStatus]>([
    ['REJECTED', 'CANCELLED'],
    ['CANCELLED', 'CANCELLED'],
    ['CONFIRMED', 'REJECTED'],
    ['CANCELLED', 'CONFIRMED'],
  ])('refuses %s -> %s', (from, to) => {
    const order = { ...fresh(), status: from };
    const attempt = () => (to === 'CANCELLED' ? cancel(order, later) : to === 'REJECTED' ? reject(order, later, 'x') : confirm(order, later));
    expect(attempt).toThrow(IllegalTransitionError);
  });

  it('releases stock only for a cancelled order that held it', () => {
    const confirmed = confirm(fresh(), later).next;
    expect(mustReleaseStock(cancel(confirmed, later).next)).toBe(true);
    expect(mustReleaseStock(cancel(fresh(), later).next)).toBe(false);
    expect(mustReleaseStock({ ...cancel(confirmed, later).next, stockState: 'RELEASED' })).toBe(false);
  });

  it('moves stock only NONE -> RESERVED -> RELEASED, and conditions each move on it', () => {
    const moves = STOCK_STATES.flatMap((from) => STOCK_STATES.filter((to) => canMoveStock(from, to)).map((to) => `${from}->${to}`));
    expect(moves).toEqual(['NONE->RESERVED', 'RESERVED->RELEASED']);
    expect(stockSources('RELEASED')).toEqual(['RESERVED']);
    expect(confirm(fresh(), later).requires).toEqual({ status: ['PENDING'], stockState: ['NONE'] });
    // Cancelling and rejecting leave the stock where it is, so their writes do not condition on it.
    expect(cancel(confirm(fresh(), later).next, later).requires).toEqual({ status: ['PENDING', 'CONFIRMED'] });
    expect(reject(fresh(), later, 'x').requires).toEqual({ status: ['PENDING'] });
  });

  it('releasing stock is bookkeeping: the version moves, the status, history and updatedAt stay', () => {
    const cancelled = cancel(confirm(fresh(), later).next, new Date(later.getTime() + 1000)).next;
    const release = releaseStock(cancelled);
    expect(release).toMatchObject({ from: 'CANCELLED', expectedVersion: cancelled.version, requires: { status: ['CANCELLED'], stockState: ['RESERVED'] } });
    expect(release.next).toEqual({ ...cancelled, stockState: 'RELEASED', version: cancelled.version + 1 });
    expect(() => releaseStock(release.next)).toThrow(IllegalTransitionError);
    expect(() => releaseStock(cancel(fresh(), later).next)).toThrow(/NONE stock cannot be released/);
  });

  it('tells the customer which lines ran short, and only an admin by how much', () => {
    expect(
      insufficientStockReason([
        { sku: 'B', ordered: 2, inStock: 1 },
        { sku: 'GONE', ordered: 1 },
        { sku: 'C', ordered: 5, inStock: 0 },
      ]),
    ).toEqual({
      reason: 'insufficient stock: B, C; unknown product: GONE',
      detail: 'insufficient stock (B: 1 in stock, 2 ordered; GONE: unknown product; C: 0 in stock, 5 ordered)',
    });
    expect(insufficientStockReason([{ sku: 'GONE', ordered: 1 }]).reason).toBe('unknown product: GONE');
  });

  it('keeps a rejection’s detail beside its reason', () => {
    expect(reject(fresh(), later, 'insufficient stock: A', 'insufficient stock (A: 1 in stock, 2 ordered)').next.history.at(-1)).toEqual({
      status: 'REJECTED',
      at: later.toISOString(),
      reason: 'insufficient stock: A',
      detail: 'insufficient stock (A: 1 in stock, 2 ordered)',
    });
  });

  it('shows an order to its owner and admins only', () => {
    expect(isVisibleTo(fresh(), { sub: 'c1', isAdmin: false })).toBe(true);
    expect(isVisibleTo(fresh(), { sub: 'c2', isAdmin: false })).toBe(false);
    expect(isVisibleTo(fresh(), { sub: 'c2', isAdmin: true })).toBe(true);
  });
});

describe('the published order', () => {
  const aliceOrder = () =>
    newOrder({ orderId: newOrderId(), customerId: 'alice', items: [{ sku: 'KB-001', quantity: 1, unitPrice: 8900 }], currency: 'EUR', now: new Date() });

  it('is built by allow-list: bookkeeping on the order, present or future, never reaches a client', () => {
    const order = aliceOrder();
    const view = orderView({ ...order, trace: { traceparent: '00-abc' }, internalNote: 'x' } as Order, { isAdmin: true });
    expect(Object.keys(view).sort()).toEqual(['createdAt', 'currency', 'customerId', 'history', 'items', 'orderId', 'status', 'total', 'updatedAt', 'version']);
  });

  it('is parsed where it enters from the table: a malformed item fails, keys and trace are dropped', () => {
    const order = aliceOrder();
    const item = { ...orderToItem(order), trace: { traceparent: '00-abc' } };
    expect(itemToOrder(item)).toEqual(order);
    expect(() => itemToOrder({ ...item, status: 'SHIPPED' })).toThrow(/status/);
    expect(() => itemToOrder({ ...item, items: [{ sku: 'KB-001', quantity: '1', unitPrice: 8900 }] })).toThrow(/quantity/);
  });
});
