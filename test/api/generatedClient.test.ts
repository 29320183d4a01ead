import createClient from 'openapi-fetch';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { localProcessor } from '../../local/processor';
import { createTestApi, type TestApi } from '../support/api';
import { eventually, startTestPoller, type TestPoller } from '../support/pipeline';
import { npmRun } from '../support/processes';
import type { paths } from '../support/generated/ordersApi';

/**
 * An API consumer's view: a client generated from the published document (openapi-typescript types, openapi-fetch
 * calls) runs the README's walk-through against the real app and processor. Its calls are type-checked against the
 * generated types by `npm run typecheck`; the types are regenerated here and must equal the committed ones.
 */
let api: TestApi;
let pipeline: TestPoller;
beforeAll(async () => {
  api = await createTestApi();
  pipeline = await startTestPoller(api.table, localProcessor({ db: api.table.db, tableName: api.table.tableName, logLevel: 'SILENT' }));
});
afterAll(async () => {
  await pipeline?.stop();
  await api?.close();
});

it('has types generated from the document as published (npm run openapi:client)', async () => {
  // The generator runs as a CLI (openapi-typescript needs ESM, which this jest setup does not load).
  const fresh = await npmRun('openapi:client', ['--stdout'], {}, 60_000);
  expect(fresh.code).toBe(0);
  expect(readFileSync(path.join(__dirname, '../support/generated/ordersApi.ts'), 'utf8')).toBe(fresh.output);
}, 60_000);

it('runs the walk-through: catalog, an idempotent order, its decision, the list, a cancel', async () => {
  const client = createClient<paths>({ baseUrl: api.url, headers: { Authorization: await api.auth('alice') } });

  const catalog = await client.GET('/v1/products');
  expect(catalog.response.status).toBe(200);
  const keyboard = catalog.data!.items.find((p) => p.sku === 'KB-001')!;
  expect(keyboard.availability).toBe('IN_STOCK'); // a customer sees availability, not the count
  expect(keyboard).not.toHaveProperty('stock');

  const body = { items: [{ sku: 'KB-001', quantity: 2 }] };
  const placed = await client.POST('/v1/orders', { body, params: { header: { 'Idempotency-Key': 'walk-through-1' } } });
  expect(placed.response.status).toBe(202);
  const orderId = placed.data!.orderId;
  expect(placed.data).toMatchObject({ status: 'PENDING', total: 2 * keyboard.price, currency: keyboard.currency });
  const replayed = await client.POST('/v1/orders', { body, params: { header: { 'Idempotency-Key': 'walk-through-1' } } });
  expect([replayed.response.headers.get('Idempotent-Replayed'), replayed.data?.orderId]).toEqual(['true', orderId]);

  const confirmed = await eventually(async () => {
    const { data } = await client.GET('/v1/orders/{orderId}', { params: { path: { orderId } } });
    return data?.status === 'CONFIRMED' && data;
  });
  expect(confirmed.history.map((h) => h.status)).toEqual(['PENDING', 'CONFIRMED']);

  const page = await client.GET('/v1/orders', { params: { query: { limit: 10 } } });
  expect(page.data!.items.map((o) => o.orderId)).toContain(orderId);

  const cancelled = await client.POST('/v1/orders/{orderId}/cancel', { params: { path: { orderId } }, body: { reason: 'changed my mind' } });
  expect(cancelled.data).toMatchObject({ orderId, status: 'CANCELLED' });
  const again = await client.POST('/v1/orders/{orderId}/cancel', { params: { path: { orderId } }, body: {} });
  expect([again.response.status, again.error?.type]).toEqual([409, expect.stringContaining('order-not-cancellable')]);

  const health = await createClient<paths>({ baseUrl: api.url }).GET('/v1/health');
  expect(health.data).toEqual({ status: 'ok' });
});
