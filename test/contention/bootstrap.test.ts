import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { productKey } from '../../core/table';
import { LOADTEST_PRODUCTS, LOADTEST_STOCK } from '../../loadtest/lib/catalog';
import { ensureLoadTestCatalog } from '../../loadtest/setup/bootstrap';
import { createTestTable, type TestTable } from '../support/env';
import { eventually } from '../support/pipeline';
import { startTestLayer, type TestLayer } from './layer';

/**
 * The gate's bootstrap refills a product while the processor may still be deciding orders for it (redelivered
 * records after a gate run): DynamoDB refuses the put with TransactionConflictException, which the SDK does not
 * retry. The bootstrap tries again once the transaction is over, instead of failing the pipeline step.
 */
let table: TestTable;
let layer: TestLayer;

beforeAll(async () => {
  table = await createTestTable({ seed: false });
  layer = await startTestLayer({ maxHoldMs: Infinity });
});
afterAll(async () => {
  await layer?.close();
  await table?.drop();
});

it('refills a product a transaction holds once the transaction is over', async () => {
  const sku = LOADTEST_PRODUCTS[0]!.sku;
  const hold = layer.holdNextTransaction();
  const transaction = layer.db.send(
    new TransactWriteCommand({
      TransactItems: [{ Put: { TableName: table.tableName, Item: { ...productKey(sku), sku, stock: 1 } } }],
    }),
  );
  await hold.entered;

  const bootstrap = ensureLoadTestCatalog(layer.once, table.tableName);
  await eventually(async () => layer.proxy.stats.writeConflicts > 0, 10_000, 'the bootstrap’s put refused');
  hold.release();
  await transaction;

  const changes = await bootstrap;
  expect(changes.find((c) => c.what === `product ${sku}`)).toEqual({
    what: `product ${sku}`,
    action: 'updated',
    detail: `stock 1 → ${LOADTEST_STOCK.refillTo}`,
  });
  const item = await table.db.send(new GetCommand({ TableName: table.tableName, Key: productKey(sku), ConsistentRead: true }));
  expect(item.Item?.stock).toBe(LOADTEST_STOCK.refillTo);
});
