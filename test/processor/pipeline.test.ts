import { isTerminal, type Order } from '../../core/domain/order';
import { localProcessor, LocalMetrics } from '../../local/processor';
import type { DynamoDBRecord } from 'aws-lambda';
import { createTestApi, type TestApi } from '../support/api';
import { eventually, startTestPoller, storesOf, type TestPoller } from '../support/pipeline';

/** The whole pipeline on real parts: API → DynamoDB Local → stream → poller → processor → DynamoDB Local. */
let api: TestApi;
let pipeline: TestPoller;
const delivered: DynamoDBRecord[] = [];
/** Order ids whose records the processor has finished with (the handler returned them as done). */
const processed = new Set<string>();
const emf: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  api = await createTestApi();
  const handler = localProcessor({ db: api.table.db, tableName: api.table.tableName, logLevel: 'SILENT', metrics: new LocalMetrics((doc) => emf.push(doc)) });
  pipeline = await startTestPoller(api.table, async (event, context) => {
    delivered.push(...event.Records);
    const response = await handler(event, context);
    // Only records that succeeded: a failed one (a transaction timing out under load) is delivered again.
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    for (const r of event.Records) if (!failed.has(r.dynamodb?.SequenceNumber ?? '')) processed.add(r.dynamodb?.NewImage?.orderId?.S ?? '');
    return response;
  });
});
afterAll(async () => {
  await pipeline.stop();
  await api.close();
});

const stores = () => storesOf(api.table);
const stockOf = async (sku: string) => (await stores().products.get(sku))!.stock;
const terminal = (orderId: string) =>
  eventually(
    async () => {
      const order = await stores().orders.get(orderId);
      return order && isTerminal(order.status) ? order : order?.status === 'CONFIRMED' ? order : undefined;
    },
    20_000,
    `order ${orderId} to be decided`,
  );
const place = async (user: 'alice' | 'bob', items: Array<{ sku: string; quantity: number }>) => {
  const res = await api.http
    .post('/v1/orders')
    .set('Authorization', await api.auth(user))
    .send({ items });
  expect(res.status).toBe(202);
  return res.body as Order;
};
const putProduct = async (sku: string, stock: number, price = 100) =>
  api.http
    .put(`/v1/products/${sku}`)
    .set('Authorization', await api.auth('admin'))
    .send({ name: sku, price, currency: 'EUR', stock })
    .expect((r) => expect(r.status).toBeLessThan(300));

describe('order processing end to end', () => {
  it('confirms an order with stock and takes the stock', async () => {
    const before = await stockOf('KB-001');
    const order = await place('alice', [
      { sku: 'KB-001', quantity: 3 },
      { sku: 'CB-004', quantity: 1 },
    ]);
    const decided = await terminal(order.orderId);
    expect(decided.status).toBe('CONFIRMED');
    expect(decided.stockState).toBe('RESERVED');
    expect(decided.history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED']);
    expect(await stockOf('KB-001')).toBe(before - 3);
    const confirmed = emf.find((doc) => 'OrdersConfirmed' in doc);
    expect(confirmed).toBeDefined();
    expect(emf.some((doc) => typeof doc.ProcessingLatency === 'number')).toBe(true);
  });

  it('rejects an order that lacks stock, with a reason, and takes nothing', async () => {
    await putProduct('LOW-1', 2);
    const before = await stockOf('KB-001');
    const order = await place('bob', [
      { sku: 'KB-001', quantity: 1 },
      { sku: 'LOW-1', quantity: 5 },
    ]);
    const decided = await terminal(order.orderId);
    expect(decided.status).toBe('REJECTED');
    // The customer reads the product; the counts are kept for admins.
    expect(decided.history.at(-1)).toMatchObject({ reason: 'insufficient stock: LOW-1', detail: 'insufficient stock (LOW-1: 2 in stock, 5 ordered)' });
    expect(await stockOf('KB-001')).toBe(before);
    expect(await stockOf('LOW-1')).toBe(2);
  });

  it('releases a cancelled confirmed order’s stock exactly once, even when records are redelivered', async () => {
    await putProduct('REL-1', 10);
    const order = await place('alice', [{ sku: 'REL-1', quantity: 4 }]);
    expect((await terminal(order.orderId)).status).toBe('CONFIRMED');
    expect(await stockOf('REL-1')).toBe(6);
    const cancelled = await api.http.post(`/v1/orders/${order.orderId}/cancel`).set('Authorization', await api.auth('alice'));
    expect(cancelled.status).toBe(200);
    await eventually(async () => (await stores().orders.get(order.orderId))!.stockState === 'RELEASED', 20_000, 'release');
    expect(await stockOf('REL-1')).toBe(10);

    // At-least-once delivery: hand every record of this order to the processor again.
    const again = delivered.filter((r) => JSON.stringify(r.dynamodb?.Keys).includes(order.orderId));
    expect(again.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY']);
    const handler = localProcessor({ db: api.table.db, tableName: api.table.tableName, logLevel: 'SILENT' });
    const response = await handler({ Records: again }, {} as never);
    expect(response.batchItemFailures).toEqual([]);
    expect(await stockOf('REL-1')).toBe(10);
    expect((await stores().orders.get(order.orderId))!.status).toBe('CANCELLED');
  });

  it('never lets a PENDING cancel hold stock', async () => {
    await putProduct('PEN-1', 5);
    await pipeline.poller.stop(); // hold processing so the cancel lands first
    try {
      const order = await place('alice', [{ sku: 'PEN-1', quantity: 2 }]);
      const res = await api.http.post(`/v1/orders/${order.orderId}/cancel`).set('Authorization', await api.auth('alice'));
      expect(res.status).toBe(200);
      pipeline.poller.start();
      // The processor decides on the order's PENDING insert (the mapping filters out the cancel's record): once it
      // has finished with that record, a confirmation or rejection would be in the table. Wait for that, not a time.
      await eventually(async () => processed.has(order.orderId), 20_000, `the processor's decision on order ${order.orderId}`);
      const decided = (await stores().orders.get(order.orderId))!;
      expect(decided.history.map((h) => h.status)).toEqual(['PENDING', 'CANCELLED']);
      expect(decided).toMatchObject({ status: 'CANCELLED', stockState: 'NONE' });
      expect(await stockOf('PEN-1')).toBe(5);
    } finally {
      pipeline.poller.start();
    }
  });

  it('reserves exactly the stock there is when 200 orders race for 50 units', async () => {
    await putProduct('RACE-1', 50);
    const ids: string[] = [];
    const users = ['alice', 'bob'] as const;
    for (let wave = 0; wave < 10; wave++) {
      const placed = await Promise.all(Array.from({ length: 20 }, (_, i) => place(users[i % 2]!, [{ sku: 'RACE-1', quantity: 1 }])));
      ids.push(...placed.map((o) => o.orderId));
    }
    // Wait on the processor, not the table: 200 reads per poll would compete with it for DynamoDB Local.
    await eventually(async () => ids.every((id) => processed.has(id)), 45_000, '200 decisions');
    const decided = (await Promise.all(ids.map((id) => stores().orders.get(id)))) as Order[];
    const confirmed = decided.filter((o) => o.status === 'CONFIRMED');
    expect(confirmed).toHaveLength(50);
    expect(decided.filter((o) => o.status === 'REJECTED')).toHaveLength(150);
    expect(await stockOf('RACE-1')).toBe(0);

    // Cancel ten confirmed orders with two racing cancels each: one wins, and the stock comes back once.
    const admin = await api.auth('admin');
    const cancels = await Promise.all(
      confirmed.slice(0, 10).map((o) => Promise.all([0, 1].map(() => api.http.post(`/v1/orders/${o.orderId}/cancel`).set('Authorization', admin)))),
    );
    for (const pair of cancels) expect(pair.map((r) => r.status).sort()).toEqual([200, 409]);
    await eventually(
      async () => (await Promise.all(confirmed.slice(0, 10).map((o) => stores().orders.get(o.orderId)))).every((o) => o!.stockState === 'RELEASED'),
      20_000,
      'ten releases',
    );
    expect(await stockOf('RACE-1')).toBe(10);
  }, 90_000);
});
