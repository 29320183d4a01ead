import { confirm, newOrder, reject, type Order, type Transition } from '../../core/domain/order';
import type { Product } from '../../core/domain/product';
import { CANCEL_ATTEMPTS, cancelOrder } from '../../core/orders/cancelOrder';
import { requestHashOf } from '../../core/hash';
import { placeOrder } from '../../core/orders/placeOrder';
import type { OrderRepository, ProductCatalog } from '../../core/orders/ports';
import { IdempotencyMismatchError, OrderLimitError, VersionConflictError, WriteContentionError } from '../../core/orders/errors';
import { ORDER_WRITE_RETRY } from '../../core/orders/retry';
import { getOrder, listOrders } from '../../core/orders/queries';

/**
 * The order workflows on their own, through their ports: plain objects stand in for the store, so the outcomes
 * no real store produces on demand (a cancel that keeps losing its race) are reached directly. The API tests
 * run the same use cases against DynamoDB Local.
 */
const now = new Date('2026-11-25T12:00:00.000Z');
const clock = () => now;
const keyboard: Product = { sku: 'KB-001', name: 'Keyboard', price: 8900, currency: 'EUR', stock: 5, updatedAt: now.toISOString() };
const catalog: ProductCatalog = { getMany: async (skus) => new Map(skus.filter((s) => s === keyboard.sku).map((s) => [s, keyboard])) };
const order = (status: Order['status'] = 'PENDING'): Order => ({
  ...newOrder({ orderId: '01JORDER00000000000000000A', customerId: 'alice', items: [{ sku: 'KB-001', quantity: 1, unitPrice: 8900 }], currency: 'EUR', now }),
  status,
});

function repository(overrides: Partial<OrderRepository> = {}): OrderRepository & { created: Order[] } {
  const created: Order[] = [];
  return {
    created,
    get: async () => order(),
    create: async (o) => (created.push(o), { order: o, replayed: false }),
    apply: async (change) => change.next,
    ...overrides,
  };
}

describe('placeOrder', () => {
  const limits = { unitsPerLine: 2, linesPerOrder: 1, openOrders: 3, ordersPerMinute: 4 };

  it('holds a customer to the limits: lines checked first, the open and rate limits handed to the store', async () => {
    const quotas: unknown[] = [];
    const orders = repository({ create: async (o, _claim, _trace, quota) => (quotas.push(quota), { order: o, replayed: false }) });
    const place = placeOrder({ orders, catalog, clock, limits });
    expect(await place({ customerId: 'alice', lines: [{ sku: 'KB-001', quantity: 3 }] })).toEqual({
      kind: 'over-line-limits',
      problems: [{ index: 0, detail: 'at most 2 units per line' }],
    });
    expect(quotas).toEqual([]);
    expect(await place({ customerId: 'alice', lines: [{ sku: 'KB-001', quantity: 2 }] })).toMatchObject({ kind: 'placed' });
    expect(quotas).toEqual([{ openOrders: 3, ordersPerMinute: 4 }]);
  });

  it('counts a customer’s order among their open orders', async () => {
    const orders = repository();
    await placeOrder({ orders, catalog, clock, limits })({ customerId: 'alice', lines: [{ sku: 'KB-001', quantity: 1 }] });
    expect(orders.created.map((o) => o.countedAsOpen)).toEqual([true]);
  });

  it('holds the load-test group to no limits', async () => {
    const quotas: unknown[] = [];
    const written: Order[] = [];
    const orders = repository({ create: async (o, _claim, _trace, quota) => (quotas.push(quota), written.push(o), { order: o, replayed: false }) });
    const result = await placeOrder({ orders, catalog, clock, limits })({
      customerId: 'k6',
      customerGroups: ['testers', 'load-testers'],
      lines: [{ sku: 'KB-001', quantity: 3 }],
    });
    expect(result).toMatchObject({ kind: 'placed' });
    // Not counted among open orders either, where a customer's order is.
    expect(written.map((o) => o.countedAsOpen)).toEqual([false]);
    expect(quotas).toEqual([undefined]);
  });

  it('reports a limit the store refused, with its Retry-After', async () => {
    const orders = repository({ create: async () => Promise.reject(new OrderLimitError('orders-per-minute', 4, 17)) });
    expect(await placeOrder({ orders, catalog, clock, limits })({ customerId: 'alice', lines: [{ sku: 'KB-001', quantity: 1 }] })).toEqual({
      kind: 'limited',
      limit: 'orders-per-minute',
      allowed: 4,
      retryAfterSeconds: 17,
    });
  });

  it('prices the lines from the catalog and writes the order PENDING', async () => {
    const orders = repository();
    const result = await placeOrder({ orders, catalog, clock })({ customerId: 'alice', lines: [{ sku: 'KB-001', quantity: 2 }] });
    expect(result).toMatchObject({ kind: 'placed', replayed: false, order: { status: 'PENDING', total: 17800, items: [{ sku: 'KB-001', unitPrice: 8900 }] } });
    expect(orders.created).toHaveLength(1);
  });

  it('writes nothing for an unknown product, naming the line', async () => {
    const orders = repository();
    const result = await placeOrder({ orders, catalog, clock })({
      customerId: 'alice',
      lines: [
        { sku: 'KB-001', quantity: 1 },
        { sku: 'NOPE-1', quantity: 1 },
      ],
    });
    expect(result).toMatchObject({ kind: 'unorderable', problems: [{ index: 1, detail: "unknown product 'NOPE-1'" }] });
    expect(orders.created).toEqual([]);
  });

  it('answers key-reused when the store finds the key claimed by other lines', async () => {
    const orders = repository({ create: async (o) => Promise.reject(new IdempotencyMismatchError(o.orderId)) });
    expect(await placeOrder({ orders, catalog, clock })({ customerId: 'alice', lines: [{ sku: 'KB-001', quantity: 1 }], idempotencyKey: 'k-1' })).toEqual({
      kind: 'key-reused',
    });
  });
});

describe('placeOrder under contention', () => {
  it('writes the same order again while other writes hold its items, and gives up after ORDER_WRITE_RETRY attempts', async () => {
    const attempts: Order[] = [];
    const contended = (times: number) =>
      repository({
        create: async (o) => {
          attempts.push(o);
          if (attempts.length <= times) throw new WriteContentionError(['None', 'TransactionConflict']);
          return { order: o, replayed: false };
        },
      });
    const input = { customerId: 'alice', lines: [{ sku: 'KB-001', quantity: 1 }] };
    const placed = await placeOrder({ orders: contended(2), catalog, clock })(input);
    expect(placed).toMatchObject({ kind: 'placed', order: { orderId: attempts[0]!.orderId } });
    // One order, written three times: the retry never mints a second order id.
    expect(new Set(attempts.map((o) => o.orderId)).size).toBe(1);
    expect(attempts).toHaveLength(3);
    attempts.length = 0;
    await expect(placeOrder({ orders: contended(99), catalog, clock })(input)).rejects.toBeInstanceOf(WriteContentionError);
    expect(attempts).toHaveLength(ORDER_WRITE_RETRY.attempts);
  });

  it('does not retry what was refused: a reused key or a limit is answered at once', async () => {
    let calls = 0;
    const refusing = (err: Error) =>
      repository({
        create: async () => {
          calls++;
          throw err;
        },
      });
    const input = { customerId: 'alice', lines: [{ sku: 'KB-001', quantity: 1 }], idempotencyKey: 'k' };
    expect(await placeOrder({ orders: refusing(new IdempotencyMismatchError('o')), catalog, clock })(input)).toEqual({ kind: 'key-reused' });
    expect(await placeOrder({ orders: refusing(new OrderLimitError('open-orders', 3)), catalog, clock })(input)).toMatchObject({ kind: 'limited' });
    expect(calls).toBe(2);
  });
});

describe('the Idempotency-Key request hash', () => {
  it('is the one stored claims hold: the same lines hash the same, whatever else an object carries', () => {
    // Pinned: a claim written by the last version must match the same request sent to this one.
    const lines = [
      { sku: 'KB-001', quantity: 2 },
      { sku: 'MS-002', quantity: 1 },
    ];
    expect(requestHashOf(lines)).toBe('UH9ezLKUFtbjevG-tgUHMdoq-OostvdPazi6VNwMZ6w');
    expect(requestHashOf(lines.map((l) => ({ quantity: l.quantity, sku: l.sku, note: 'x' })))).toBe(requestHashOf(lines));
    expect(requestHashOf([...lines].reverse())).not.toBe(requestHashOf(lines));
  });
});

describe('cancelOrder', () => {
  const alice = { sub: 'alice', isAdmin: false };

  /**
   * A store that holds one order and writes a change only at the version and status it was read at, as the real
   * one does; `meanwhile` is what the processor writes between the cancel's first read and its first write.
   */
  function changingUnderTheCancel(meanwhile: (current: Order) => Transition) {
    let current = order();
    let interrupted = false;
    const written: Transition[] = [];
    const orders = repository({
      get: async () => current,
      apply: async (change) => {
        if (!interrupted) {
          interrupted = true;
          current = meanwhile(current).next;
        }
        if (change.expectedVersion !== current.version || !change.requires.status.includes(current.status)) throw new VersionConflictError(change.orderId);
        written.push(change);
        current = change.next;
        return current;
      },
    });
    return { orders, written };
  }

  it('decides again on the order as re-read: confirmed meanwhile, it is cancelled from its new version', async () => {
    const { orders, written } = changingUnderTheCancel((current) => confirm(current, now));
    const result = await cancelOrder({ orders, clock })({ orderId: order().orderId, caller: alice, reason: 'changed my mind' });
    expect(result).toMatchObject({
      kind: 'cancelled',
      order: {
        status: 'CANCELLED',
        version: 3,
        stockState: 'RESERVED', // still held: the processor gives it back for a cancelled confirmed order
        history: [{ status: 'PENDING' }, { status: 'CONFIRMED' }, { status: 'CANCELLED', reason: 'changed my mind' }],
      },
    });
    expect(written.map((w) => [w.from, w.expectedVersion])).toEqual([['CONFIRMED', 2]]);
  });

  it('decides again on the order as re-read: rejected meanwhile, it is no longer cancellable and nothing is written', async () => {
    const { orders, written } = changingUnderTheCancel((current) => reject(current, now, 'insufficient stock: KB-001'));
    expect(await cancelOrder({ orders, clock })({ orderId: order().orderId, caller: alice })).toEqual({ kind: 'not-cancellable', status: 'REJECTED' });
    expect(written).toEqual([]);
  });

  it(`gives up as busy after ${CANCEL_ATTEMPTS} lost races, having written nothing`, async () => {
    let attempts = 0;
    const orders = repository({ apply: async (change) => (attempts++, Promise.reject(new VersionConflictError(change.orderId))) });
    expect(await cancelOrder({ orders, clock })({ orderId: order().orderId, caller: alice })).toEqual({ kind: 'busy' });
    expect(attempts).toBe(CANCEL_ATTEMPTS);
  });

  it('passes on at once a store failure that is not a lost race', async () => {
    let attempts = 0;
    const down = new Error('store unavailable');
    const orders = repository({ apply: async () => (attempts++, Promise.reject(down)) });
    await expect(cancelOrder({ orders, clock })({ orderId: order().orderId, caller: alice })).rejects.toBe(down);
    expect(attempts).toBe(1);
  });

  it('hides other customers’ orders and refuses a terminal one', async () => {
    expect(await cancelOrder({ orders: repository(), clock })({ orderId: order().orderId, caller: { sub: 'mallory', isAdmin: false } })).toEqual({
      kind: 'not-found',
    });
    expect(await cancelOrder({ orders: repository({ get: async () => order('REJECTED') }), clock })({ orderId: order().orderId, caller: alice })).toEqual({
      kind: 'not-cancellable',
      status: 'REJECTED',
    });
  });
});

describe('the order queries', () => {
  it('getOrder shows an order to its customer and to admins, and to no one else (the same answer as none)', async () => {
    const get = getOrder({ orders: repository() });
    expect(await get({ orderId: order().orderId, caller: { sub: 'alice', isAdmin: false } })).toMatchObject({ kind: 'found', order: { customerId: 'alice' } });
    expect(await get({ orderId: order().orderId, caller: { sub: 'root', isAdmin: true } })).toMatchObject({ kind: 'found' });
    expect(await get({ orderId: order().orderId, caller: { sub: 'mallory', isAdmin: false } })).toEqual({ kind: 'not-found' });
    expect(await getOrder({ orders: repository({ get: async () => undefined }) })({ orderId: 'x', caller: { sub: 'alice', isAdmin: false } })).toEqual({
      kind: 'not-found',
    });
  });

  it('listOrders reads only the caller’s own orders, from where the last page ended', async () => {
    const asked: unknown[] = [];
    const list = listOrders({ orders: { listByCustomer: async (...args) => (asked.push(args), { orders: [order()] }) } });
    expect(await list({ caller: { sub: 'mallory', isAdmin: true }, limit: 5, afterOrderId: 'A' })).toEqual({ orders: [order()] });
    expect(asked).toEqual([['mallory', 5, 'A']]);
  });
});
