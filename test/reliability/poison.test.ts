import { localProcessor } from '../../local/processor';
import { redriveDeadLetters } from '../../local/poller/redrive';
import { createTestApi, type TestApi } from '../support/api';
import { checkInvariants } from '../support/invariants';
import { eventually, startTestPoller, storesOf, type TestPoller } from '../support/pipeline';

/**
 * Poison records: the processor faults on every order containing POISON-1. Bisect isolates them, they land in
 * the dead-letter store, the rest of the shard is processed; after the fault is fixed, a redrive completes them.
 */
const ORDERS = Number(process.env.CHAOS_ORDERS ?? 200);
let api: TestApi;
let pipeline: TestPoller;
let faulty = true;

beforeAll(async () => {
  api = await createTestApi();
  const admin = await api.auth('admin');
  await api.http.put('/v1/products/POISON-1').set('Authorization', admin).send({ name: 'poison', price: 1, currency: 'EUR', stock: 1000 });
  await api.http
    .put('/v1/products/FAULT-OK')
    .set('Authorization', admin)
    .send({ name: 'fine', price: 1, currency: 'EUR', stock: Math.floor(ORDERS / 2) });
  const handler = localProcessor({ db: api.table.db, tableName: api.table.tableName, logLevel: 'SILENT' });
  pipeline = await startTestPoller(
    api.table,
    async (event, context) => {
      if (faulty && event.Records.some((r) => JSON.stringify(r.dynamodb?.NewImage?.items).includes('POISON-1'))) throw new Error('injected fault: POISON-1');
      return handler(event, context);
    },
    { settings: { maximumRetryAttempts: 1 } },
  );
}, 60_000);
afterAll(async () => {
  await pipeline.stop();
  await api.close();
});

it(
  `isolates poison among ${ORDERS} orders, keeps the shard moving, and a redrive completes them`,
  async () => {
    const initial = new Map((await storesOf(api.table).products.list()).map((p) => [p.sku, p.stock]));
    const alice = await api.auth('alice');
    const poisonIds: string[] = [];
    for (let i = 0; i < ORDERS; i += 20) {
      const wave = await Promise.all(
        Array.from({ length: Math.min(20, ORDERS - i) }, (_, k) => {
          const poison = (i + k) % 50 === 7;
          const items = poison ? [{ sku: 'POISON-1', quantity: 1 }] : [{ sku: 'FAULT-OK', quantity: 1 }];
          return api.http
            .post('/v1/orders')
            .set('Authorization', alice)
            .send({ items })
            .then((r) => ({ id: r.body.orderId as string, poison }));
        }),
      );
      poisonIds.push(...wave.filter((o) => o.poison).map((o) => o.id));
    }
    // Everything else decided; the poison dead-lettered — and only the poison.
    const letters = await eventually(
      async () => {
        const report = await checkInvariants(api.table.db, api.table.tableName, initial, await pipeline.state.deadLetters());
        return report.violations.length === 0 && (report.byStatus.PENDING ?? 0) === poisonIds.length && pipeline.state.deadLetters();
      },
      60_000 + ORDERS * 50,
      'the good orders to be decided and the poison dead-lettered',
      1000,
    ); // scanning the table is not free
    const deadOrders = letters.flatMap((l) => l.records.map((r) => r.dynamodb!.NewImage!.orderId!.S));
    expect(new Set(deadOrders)).toEqual(new Set(poisonIds));
    const after = await checkInvariants(api.table.db, api.table.tableName, initial, letters);
    expect(after.byStatus).toEqual({
      PENDING: poisonIds.length,
      CONFIRMED: Math.floor(ORDERS / 2),
      REJECTED: ORDERS - poisonIds.length - Math.floor(ORDERS / 2),
    });

    // Fixed: redrive, and nothing is left behind.
    faulty = false;
    const results = await redriveDeadLetters(pipeline.state, localProcessor({ db: api.table.db, tableName: api.table.tableName, logLevel: 'SILENT' }));
    expect(results.every((r) => r.ok)).toBe(true);
    const done = await checkInvariants(api.table.db, api.table.tableName, initial, await pipeline.state.deadLetters());
    expect(done.violations).toEqual([]);
    expect(done.byStatus.PENDING).toBeUndefined();
    expect(await pipeline.state.deadLetters()).toEqual([]);
    console.log(`poison: ${ORDERS} orders, ${poisonIds.length} poison dead-lettered then redriven; ${JSON.stringify(done.byStatus)}`);
  },
  180_000 + ORDERS * 100,
);
