import pino from 'pino';
import supertest from 'supertest';
import type { CustomerLimits } from '../../core/domain/limits';
import { customerQuotaKey } from '../../core/table';
import { stockReservations } from '../../core/orders/stockReservations';
import { OrderStore } from '../../core/store/orders';
import { DynamoStockLedger } from '../../core/store/stockLedger';
import { createApp } from '../../service/src/app';
import { localCognitoVerifier } from '../../service/src/auth/verifier';
import { trustOf } from '../../local/cognito';
import { createTestApi, type TestApi } from '../support/api';
import { standIns, subOf, tokenFor } from '../support/env';
import { checkInvariants } from '../support/invariants';
import { DEMO_CATALOG } from '../../core/domain/product';

/**
 * The per-customer limits on the real app, DynamoDB Local and cognito-local tokens: each refusal is the
 * documented problem, writes nothing, and leaves another customer unaffected. The counts live in the table, so
 * they hold across API tasks: two apps on one table share them.
 */
const LIMITS: CustomerLimits = { unitsPerLine: 5, linesPerOrder: 2, openOrders: 3, ordersPerMinute: 4 };
// Ten seconds into a minute: a rate refusal's Retry-After is the 50 s left of it.
const NOW = new Date('2026-11-25T12:00:10.000Z');

let api: TestApi;
let alice: string;
let bob: string;

beforeEach(async () => {
  api = await createTestApi({ limits: LIMITS, clock: () => NOW });
  [alice, bob] = await Promise.all([api.auth('alice'), api.auth('bob')]);
});
afterEach(() => api.close());

const place = (auth: string, items: unknown = [{ sku: 'MS-002', quantity: 1 }], http = api.http) =>
  http.post('/v1/orders').set('Authorization', auth).send({ items });
async function quotaOf(user: 'alice' | 'bob') {
  const key = customerQuotaKey(subOf(await tokenFor(user)));
  return (await api.table.snapshot()).find((i) => i.PK === key.PK && i.SK === key.SK)?.openOrders;
}

describe('per-customer order limits', () => {
  it('refuses lines over the limits with a 422 naming each field, and writes nothing', async () => {
    const before = await api.table.snapshot();
    const tooMany = await place(alice, [
      { sku: 'KB-001', quantity: 1 },
      { sku: 'MS-002', quantity: 6 },
      { sku: 'CB-004', quantity: 1 },
    ]);
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toMatchObject({ type: expect.stringMatching(/order-limits$/), status: 422 });
    expect(tooMany.body.errors).toEqual([
      { field: 'items', pointer: '#/items', detail: 'at most 2 lines per order' },
      { field: 'items[1].quantity', pointer: '#/items/1/quantity', detail: 'at most 5 units per line' },
    ]);
    expect(await api.table.snapshot()).toEqual(before);
  });

  it('refuses an order past the open-order limit with a 409 until one closes; another customer is unaffected', async () => {
    for (let i = 0; i < LIMITS.openOrders; i++) expect((await place(alice)).status).toBe(202);
    const refused = await place(alice);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      type: expect.stringMatching(/open-order-limit$/),
      detail: 'At most 3 undecided orders per customer; wait until one is decided, or cancel one.',
    });
    expect((await place(bob)).status).toBe(202);
    expect(await quotaOf('alice')).toBe(3);

    const [first] = (await api.http.get('/v1/orders').set('Authorization', alice)).body.items;
    expect((await api.http.post(`/v1/orders/${first.orderId}/cancel`).set('Authorization', alice).send({})).status).toBe(200);
    expect(await quotaOf('alice')).toBe(2);
    expect((await place(alice)).status).toBe(202);
    const report = await checkInvariants(api.table.db, api.table.tableName, new Map());
    expect(report.violations.filter((v) => !v.includes('PENDING'))).toEqual([]);
  });

  it('leaves a decided order out of the count: a confirmed order frees its customer’s place', async () => {
    for (let i = 0; i < LIMITS.openOrders; i++) expect((await place(alice)).status).toBe(202);
    expect((await place(alice)).status).toBe(409);
    const [newest] = (await api.http.get('/v1/orders').set('Authorization', alice)).body.items;
    const orders = new OrderStore(api.table.db, api.table.tableName);
    const ledger = new DynamoStockLedger(api.table.db, api.table.tableName, orders);
    const confirmed = await stockReservations({ ledger, orders }).reserveStock((await orders.get(newest.orderId))!, NOW);
    expect(confirmed).toMatchObject({ outcome: 'CONFIRMED' });
    expect(await quotaOf('alice')).toBe(LIMITS.openOrders - 1);
    expect((await place(alice)).status).toBe(202);
  });

  it('answers 429 with Retry-After past the per-minute rate; another customer is unaffected', async () => {
    await api.close();
    api = await createTestApi({ limits: { ...LIMITS, openOrders: 100 }, clock: () => NOW });
    for (let i = 0; i < LIMITS.ordersPerMinute; i++) expect((await place(alice)).status).toBe(202);
    const refused = await place(alice);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('50');
    expect(refused.body).toMatchObject({ type: expect.stringMatching(/order-rate-limit$/), status: 429 });
    expect((await place(bob)).status).toBe(202);
  });

  it('holds across API tasks: concurrent orders through two apps on one table land only up to the limit', async () => {
    const { pool } = standIns();
    const second = createApp({
      db: api.table.db,
      tableName: api.table.tableName,
      verifier: localCognitoVerifier(trustOf(pool)),
      logger: pino({ level: 'silent' }),
      limits: LIMITS,
      clock: () => NOW,
    });
    const other = supertest(second.callback());
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => place(alice, [{ sku: DEMO_CATALOG[i % 4]!.sku, quantity: 1 }], i % 2 ? other : api.http)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(LIMITS.openOrders);
    expect(statuses.filter((s) => s !== 202).every((s) => s === 409 || s === 503)).toBe(true);
    expect(await quotaOf('alice')).toBe(LIMITS.openOrders);
  });
});
