import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { newOrder } from '../../core/domain/order';
import { newOrderId } from '../../core/ids';
import { ENTITY } from '../../core/table';
import { productToItem } from '../../core/tableItems';
import { LocalMetrics, localProcessor } from '../../local/processor';
import { createTestTable, scanTable, type TestTable } from '../support/env';
import { checkInvariants } from '../support/invariants';
import { eventually, startTestPoller, storesOf, type TestPoller } from '../support/pipeline';
import { takeLoadTurn } from '../support/loadTurns';

takeLoadTurn();

/**
 * A flash sale: many orders for one product with little stock, decided concurrently. Conflicting reservation
 * transactions are retried, so exactly the stock is sold and every other order is rejected for the shortage.
 */
const ORDERS = Number(process.env.FLASH_SALE_ORDERS ?? 2000);
const UNITS = Math.floor(ORDERS / 4);
const SKU = 'FLASH-1';

let table: TestTable;
let pipeline: TestPoller;
const emf: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  table = await createTestTable({ seed: false });
  await table.db.send(
    new PutCommand({
      TableName: table.tableName,
      Item: productToItem({ sku: SKU, name: 'Flash', price: 100, currency: 'EUR', stock: UNITS, updatedAt: new Date().toISOString() }),
    }),
  );
});
afterAll(async () => {
  await pipeline?.stop();
  await table.drop();
});

it(
  `sells exactly ${UNITS} units to ${ORDERS} concurrent orders and rejects the rest for the shortage`,
  async () => {
    const { orders } = storesOf(table);
    const now = new Date();
    const placed: string[] = [];
    for (let start = 0; start < ORDERS; start += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, ORDERS - start) }, async (_, i) => {
          const order = newOrder({
            orderId: newOrderId(now),
            customerId: `c-${start + i}`,
            items: [{ sku: SKU, quantity: 1, unitPrice: 100 }],
            currency: 'EUR',
            now,
          });
          await orders.create(order);
          placed.push(order.orderId);
        }),
      );
    }
    const handler = localProcessor({ db: table.db, tableName: table.tableName, logLevel: 'SILENT', metrics: new LocalMetrics((doc) => emf.push(doc)) });
    pipeline = await startTestPoller(table, handler, { settings: { batchSize: 100 } });
    const decided = await eventually(
      async () => {
        const items = (await scanTable(table.db, table.tableName)).filter((i) => i.entityType === ENTITY.order);
        return items.every((i) => i.status !== 'PENDING') && items;
      },
      Math.max(240_000, ORDERS * 100),
      'every order decided',
      500,
    );

    const byStatus = (status: string) => decided.filter((i) => i.status === status);
    expect(decided).toHaveLength(ORDERS);
    expect(byStatus('CONFIRMED')).toHaveLength(UNITS);
    expect(byStatus('REJECTED')).toHaveLength(ORDERS - UNITS);
    for (const rejected of byStatus('REJECTED')) {
      expect((rejected.history as Array<{ status: string; reason?: string; detail?: string }>).at(-1)).toMatchObject({
        reason: 'insufficient stock: FLASH-1',
        detail: 'insufficient stock (FLASH-1: 0 in stock, 1 ordered)',
      });
    }
    expect((await storesOf(table).products.get(SKU))!.stock).toBe(0);
    expect(await pipeline.state.deadLetters()).toEqual([]);
    const report = await checkInvariants(table.db, table.tableName, new Map([[SKU, UNITS]]));
    expect(report.violations).toEqual([]);
    const conflicts = emf.reduce((n, doc) => n + [doc.ReservationConflictsRetried ?? []].flat().reduce((a: number, b) => a + Number(b), 0), 0);
    console.log(
      `flash sale: ${ORDERS} orders, ${UNITS} units, ${conflicts} conflicting transactions retried, ${pipeline.poller.stats.invocations} invocations`,
    );
  },
  Math.max(300_000, ORDERS * 120),
);
