import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { newOrder, type Order } from '../../core/domain/order';
import { DECISION_CONCURRENCY } from '../../core/eventSourceMapping';
import { newOrderId } from '../../core/ids';
import { StockContentionError } from '../../core/orders/errors';
import { stockReservations, type ReservationOutcome } from '../../core/orders/stockReservations';
import { DynamoStockLedger } from '../../core/store/stockLedger';
import { productToItem } from '../../core/tableItems';
import { OrderStore } from '../../core/store/orders';
import { ProductStore } from '../../core/store/products';
import { checkInvariants } from '../support/invariants';
import { tableBehindLayer } from './layer';

/**
 * The processor's stock ledger against real conflicts: one product, its reservations decided DECISION_CONCURRENCY
 * at a time through a contention layer (the real SDK client, DynamoDB Local behind). Each TransactionCanceledException the SDK parses becomes a
 * StockContentionError the ledger retries (core/orders/retry.ts); only the shortage rejects.
 */
const ORDERS = 120;
const UNITS = 30;
const SKU = 'HOT-1';

const env = tableBehindLayer();
beforeAll(async () => {
  const product = { sku: SKU, name: 'Hot', price: 100, currency: 'EUR', stock: UNITS, updatedAt: new Date().toISOString() };
  await env.table.db.send(new PutCommand({ TableName: env.table.tableName, Item: productToItem(product) }));
});

it(`retries real transaction conflicts and sells exactly ${UNITS} units to ${ORDERS} concurrent orders`, async () => {
  const orders = new OrderStore(env.layer.db, env.table.tableName);
  const now = new Date();
  const queue: Order[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const order = newOrder({ orderId: newOrderId(now), customerId: `c-${i}`, items: [{ sku: SKU, quantity: 1, unitPrice: 100 }], currency: 'EUR', now });
    await orders.create(order);
    queue.push(order);
  }
  const reservations = stockReservations({ ledger: new DynamoStockLedger(env.layer.db, env.table.tableName, orders), orders });
  const retried: StockContentionError[] = [];
  const outcomes: ReservationOutcome[] = [];
  let exhausted = 0;
  await Promise.all(
    Array.from({ length: DECISION_CONCURRENCY }, async () => {
      for (let order = queue.shift(); order; order = queue.shift()) {
        try {
          outcomes.push(await reservations.reserveStock(order, new Date(), (_attempt, err) => retried.push(err)));
        } catch (err) {
          // Still conflicting after the last attempt: the record fails and the event source mapping delivers it again.
          if (!(err instanceof StockContentionError)) throw err;
          exhausted++;
          queue.push(order);
        }
      }
    }),
  );

  expect(retried.length).toBeGreaterThan(0);
  for (const err of retried) expect(err.codes).toContain('TransactionConflict');
  const count = (outcome: string) => outcomes.filter((o) => o.outcome === outcome).length;
  expect([count('CONFIRMED'), count('REJECTED'), count('UNCHANGED')]).toEqual([UNITS, ORDERS - UNITS, 0]);
  for (const o of outcomes) if (o.outcome === 'REJECTED') expect(o.reason).toBe(`insufficient stock: ${SKU}`);
  expect((await new ProductStore(env.table.db, env.table.tableName).get(SKU))?.stock).toBe(0);
  expect(env.layer.proxy.stats.transactionConflicts).toBeGreaterThanOrEqual(retried.length);
  expect((await checkInvariants(env.table.db, env.table.tableName, new Map([[SKU, UNITS]]))).violations).toEqual([]);
  console.log(`contention: ${ORDERS} reservations, ${retried.length} conflicting transactions retried, ${exhausted} records failed and redelivered`);
});
