import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { cancel, confirm, newOrder, reject, type Order } from '../../core/domain/order';
import { newOrderId } from '../../core/ids';
import { orderToItem, productToItem } from '../../core/tableItems';
import { ENTITY, customerQuotaKey } from '../../core/table';
import { createTestTable, type TestTable } from '../support/env';
import { checkInvariants } from '../support/invariants';

/**
 * The checker every fault scenario relies on, shown to catch each broken state it names (in a real table, as the
 * scenarios leave it): an invariant that cannot fail would make every scenario's "no violations" vacuous.
 */
let table: TestTable;
const now = new Date('2026-11-25T12:00:00.000Z');
const SKU = 'INV-1';

beforeEach(async () => {
  table = await createTestTable({ seed: false });
  await table.db.send(
    new PutCommand({
      TableName: table.tableName,
      Item: productToItem({ sku: SKU, name: SKU, price: 100, currency: 'EUR', stock: 8, updatedAt: now.toISOString() }),
    }),
  );
});
afterEach(() => table.drop());

const order = (quantity = 2) => newOrder({ orderId: newOrderId(), customerId: 'c1', items: [{ sku: SKU, quantity, unitPrice: 100 }], currency: 'EUR', now });
const store = (o: Order) => table.db.send(new PutCommand({ TableName: table.tableName, Item: orderToItem(o) }));
const check = (initial: number) => checkInvariants(table.db, table.tableName, new Map([[SKU, initial]]));

describe('checkInvariants', () => {
  it('passes a consistent table: a confirmed order holding the units the product lacks', async () => {
    await store(confirm(order(), now).next);
    expect((await check(10)).violations).toEqual([]);
  });

  it('catches stock that does not add up, and an order left PENDING', async () => {
    const pending = order();
    await store(pending);
    expect((await check(10)).violations).toEqual([
      `order ${pending.orderId} is still PENDING and not dead-lettered`,
      `product ${SKU}: initial 10 ≠ current 8 + held 0`,
    ]);
  });

  it('catches stock held by an order that was never confirmed, or by a status that cannot follow a confirmation', async () => {
    const rejected = { ...reject(order(), now, 'x').next, stockState: 'RESERVED' as const };
    await store(rejected);
    expect((await check(10)).violations).toContain(`order ${rejected.orderId} holds stock while REJECTED`);
  });

  it('catches a double confirmation and a release of stock never held', async () => {
    const confirmed = confirm(order(1), now).next;
    const twice = { ...confirmed, history: [...confirmed.history, { status: 'CONFIRMED' as const, at: now.toISOString() }] };
    const released = { ...cancel(order(1), now).next, stockState: 'RELEASED' as const };
    await Promise.all([store(twice), store(released)]);
    const { violations } = await check(9);
    expect(violations).toContain(`order ${twice.orderId} was confirmed 2 times`);
    expect(violations).toContain(`order ${released.orderId} released stock it never held`);
  });
});

describe('checkInvariants on the open-order count', () => {
  it('catches a customer whose count disagrees with their open orders', async () => {
    // One counted order still undecided, one counted order decided, one never counted (placed before the limits).
    await store({ ...order(1), countedAsOpen: true });
    await store(confirm({ ...order(1), countedAsOpen: true }, now).next);
    await store(order(1));
    await table.db.send(new PutCommand({ TableName: table.tableName, Item: { ...customerQuotaKey('c1'), entityType: ENTITY.quota, openOrders: 2 } }));
    const { violations } = await check(9); // 8 left + 1 held by the confirmed order
    expect(violations.filter((v) => !v.includes('PENDING'))).toEqual(['customer c1 counts 2 open orders, has 1']);
  });
});
