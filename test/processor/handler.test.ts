import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBRecord } from 'aws-lambda';
import { cancel, confirm, newOrder, type Order } from '../../core/domain/order';
import { newOrderId } from '../../core/ids';
import { stockReservations, type StockReservations } from '../../core/orders/stockReservations';
import { DynamoStockLedger } from '../../core/store/stockLedger';
import { orderToItem, productToItem } from '../../core/tableItems';
import { ENTITY, idempotencyRecordKey, orderKey } from '../../core/table';
import { LocalMetrics } from '../../local/processor';
import { createHandler, workFor } from '../../processor/src/handler';
import { createTestTable, type TestTable } from '../support/env';
import { orderRecords } from '../support/orderRecords';
import { storesOf } from '../support/pipeline';

/** The handler on hand-built stream events, one branch each, against a real table. */
let table: TestTable;
const emf: Array<Record<string, unknown>> = [];
const now = new Date('2026-11-25T10:00:00.000Z');

const { image, record, inserted, modified } = orderRecords(now);

function handlerWith(reservations: StockReservations) {
  return createHandler({
    reservations,
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    metrics: new LocalMetrics((doc) => emf.push(doc)),
    clock: () => now,
  });
}
const realReservations = () =>
  stockReservations({ ledger: new DynamoStockLedger(table.db, table.tableName, storesOf(table).orders), orders: storesOf(table).orders });
const run = (records: DynamoDBRecord[], reservations: StockReservations = realReservations()) =>
  handlerWith(reservations)({ Records: records }, { awsRequestId: 'req-1', functionName: 'test' } as never);

async function storedOrder(items: Array<{ sku: string; quantity: number }>) {
  const order = newOrder({
    orderId: newOrderId(),
    customerId: 'c1',
    items: items.map((i) => ({ ...i, unitPrice: 100 })),
    currency: 'EUR',
    now: new Date(now.getTime() - 250),
  });
  await storesOf(table).orders.create(order);
  return order;
}
const stock = async (sku: string) => (await storesOf(table).products.get(sku))!.stock;
const status = async (orderId: string) => (await storesOf(table).orders.get(orderId))!;

beforeAll(async () => {
  table = await createTestTable({ seed: false });
  for (const [sku, units] of [
    ['A', 10],
    ['B', 1],
  ] as const) {
    await storesOf(table).products.put({ sku, name: sku, price: 100, currency: 'EUR', stock: units, updatedAt: now.toISOString() });
  }
});
afterAll(() => table.drop());
beforeEach(() => emf.splice(0));

describe('processor handler', () => {
  it('confirms a new order it can fill, takes the stock, and records metrics', async () => {
    const order = await storedOrder([{ sku: 'A', quantity: 3 }]);
    expect(await run([inserted(order)])).toEqual({ batchItemFailures: [] });
    expect(await status(order.orderId)).toMatchObject({ status: 'CONFIRMED', stockState: 'RESERVED', version: 2 });
    expect(await stock('A')).toBe(7);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ OrdersConfirmed: 1, ProcessingLatency: 250 });
  });

  it('changes nothing when the same INSERT is delivered again', async () => {
    const order = await storedOrder([{ sku: 'A', quantity: 1 }]);
    await run([inserted(order)]);
    const after = await stock('A');
    expect(await run([inserted(order), inserted(order)])).toEqual({ batchItemFailures: [] });
    expect(await stock('A')).toBe(after);
    expect((await status(order.orderId)).version).toBe(2);
    expect(emf.filter((d) => 'OrdersConfirmed' in d)).toHaveLength(1);
  });

  it('rejects with a reason and reserves nothing when one item lacks stock', async () => {
    const before = await stock('A');
    const order = await storedOrder([
      { sku: 'A', quantity: 1 },
      { sku: 'B', quantity: 2 },
    ]);
    await run([inserted(order)]);
    const rejected = await status(order.orderId);
    expect(rejected.status).toBe('REJECTED');
    expect(rejected.history.at(-1)).toMatchObject({ reason: 'insufficient stock: B', detail: 'insufficient stock (B: 1 in stock, 2 ordered)' });
    expect(await stock('A')).toBe(before);
    expect(await stock('B')).toBe(1);
    expect(emf[0]).toMatchObject({ OrdersRejected: 1 });
  });

  it('rejects an order naming a product that no longer exists', async () => {
    const order = await storedOrder([{ sku: 'GONE', quantity: 1 }]);
    await run([inserted(order)]);
    expect((await status(order.orderId)).history.at(-1)).toMatchObject({
      reason: 'unknown product: GONE',
      detail: 'insufficient stock (GONE: unknown product)',
    });
  });

  it('leaves an order the customer cancelled before processing alone', async () => {
    const order = await storedOrder([{ sku: 'A', quantity: 2 }]);
    const before = await stock('A');
    await storesOf(table).orders.apply(cancel(order, now));
    await run([inserted(order)]);
    expect(await status(order.orderId)).toMatchObject({ status: 'CANCELLED', stockState: 'NONE' });
    expect(await stock('A')).toBe(before);
  });

  it('releases a cancelled confirmed order’s stock once, however often the MODIFY arrives', async () => {
    const order = await storedOrder([{ sku: 'A', quantity: 2 }]);
    await run([inserted(order)]);
    const confirmed = await status(order.orderId);
    const cancelled = cancel(confirmed, now);
    await storesOf(table).orders.apply(cancelled);
    const before = await stock('A');
    const change = modified(confirmed, cancelled.next);
    expect(await run([change, change])).toEqual({ batchItemFailures: [] });
    expect(await run([change])).toEqual({ batchItemFailures: [] });
    expect(await stock('A')).toBe(before + 2);
    expect((await status(order.orderId)).stockState).toBe('RELEASED');
    expect(emf.filter((d) => 'StockReleased' in d)).toHaveLength(1);
  });

  it('ignores records that are not order changes it owns', async () => {
    const order = await storedOrder([{ sku: 'A', quantity: 1 }]);
    const before = await stock('A');
    const confirmed = confirm(order, now).next;
    const ignored = [
      record('INSERT', productToItem({ sku: 'C', name: 'C', price: 1, currency: 'EUR', stock: 1, updatedAt: '' })),
      record('INSERT', { ...idempotencyRecordKey('c1', 'k'), entityType: ENTITY.idempotency, orderId: order.orderId }),
      modified(order, cancel(order, now).next), // PENDING → CANCELLED: nothing was reserved
      modified(order, confirmed), // the processor's own write
      record('REMOVE', undefined, orderToItem(order)),
    ];
    expect(await run(ignored)).toEqual({ batchItemFailures: [] });
    expect(await status(order.orderId)).toMatchObject({ status: 'PENDING', version: 1 });
    expect(await stock('A')).toBe(before);
  });

  it('fails a record whose image is not an order, and holds back the later records of that order', async () => {
    const order = await storedOrder([{ sku: 'A', quantity: 1 }]);
    const keyed = (r: DynamoDBRecord): DynamoDBRecord => ({ ...r, dynamodb: { ...r.dynamodb, Keys: image(orderKey(order.orderId)) } });
    const unreadable = keyed(record('INSERT', { ...orderToItem(order), items: [{ sku: 'A', quantity: 'one', unitPrice: 100 }] }));
    const sameOrder = keyed(inserted(order));
    const other = await storedOrder([{ sku: 'A', quantity: 1 }]);
    const before = await stock('A');
    const response = await run([unreadable, sameOrder, inserted(other)]);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([unreadable.dynamodb!.SequenceNumber, sameOrder.dynamodb!.SequenceNumber]);
    expect(await stock('A')).toBe(before - 1); // only the other order's unit
    expect((await storesOf(table).orders.get(order.orderId))!.status).toBe('PENDING');
  });

  it('reports a failing record by sequence number, fails later records of the same order, and processes the rest', async () => {
    const flaky = await storedOrder([{ sku: 'A', quantity: 1 }]);
    const fine = await storedOrder([{ sku: 'A', quantity: 1 }]);
    const real = realReservations();
    const fulfilment = {
      reserveStock: (order: Order, at: Date) => {
        if (order.orderId === flaky.orderId) throw Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException' });
        return real.reserveStock(order, at);
      },
      releaseStock: (order: Order) => real.releaseStock(order),
    };
    const first = inserted(flaky);
    const other = inserted(fine);
    const again = inserted(flaky);
    const response = await run([first, other, again], fulfilment);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: first.dynamodb!.SequenceNumber }, { itemIdentifier: again.dynamodb!.SequenceNumber }]);
    expect((await status(fine.orderId)).status).toBe('CONFIRMED');
    expect((await status(flaky.orderId)).status).toBe('PENDING');
  });

  it('throws when every record fails, so the whole batch is retried', async () => {
    const order = await storedOrder([{ sku: 'A', quantity: 1 }]);
    const broken = { reserveStock: () => Promise.reject(new Error('store down')), releaseStock: () => Promise.reject(new Error('store down')) };
    await expect(run([inserted(order)], broken)).rejects.toThrow(/All records failed/);
  });
});

describe('workFor', () => {
  const order = () => newOrder({ orderId: newOrderId(), customerId: 'c1', items: [{ sku: 'KB-001', quantity: 1, unitPrice: 100 }], currency: 'EUR', now });

  it('carries the trace context the API stored with the change, and none when there is none', () => {
    const pending = order();
    const trace = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    expect(workFor(record('INSERT', { ...orderToItem(pending), trace }))).toEqual({ kind: 'reserve', order: pending, trace });
    expect(workFor(inserted(pending))).toEqual({ kind: 'reserve', order: pending });
  });

  it('reads the work from the change the record shows, as the mapping’s filter does, not from its event name', () => {
    const pending = order();
    // A PENDING order whose old image has no status is a new order, whatever the event is called.
    expect(workFor(record('MODIFY', orderToItem(pending), { entityType: ENTITY.order })).kind).toBe('reserve');
    expect(workFor(inserted(pending)).kind).toBe('reserve');
    const confirmed = confirm(pending, now).next;
    expect(workFor(modified(confirmed, cancel(confirmed, now).next)).kind).toBe('release');
    // PENDING → CANCELLED holds no stock: no work, though it is a MODIFY to CANCELLED.
    expect(workFor(modified(pending, cancel(pending, now).next))).toEqual({ kind: 'ignore', why: 'not an order change the processor owns' });
  });
});
