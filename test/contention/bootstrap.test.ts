import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { productKey } from '../../core/table';
import { LOADTEST_PRODUCTS, LOADTEST_STOCK } from '../../loadtest/lib/catalog';
import { ensureLoadTestCatalog } from '../../loadtest/setup/bootstrap';
import { eventually } from '../support/pipeline';
import { tableBehindLayer } from './layer';

/**
 * The gate's bootstrap refills a product while the processor may still be deciding orders for it (redelivered
 * records after a gate run): DynamoDB refuses the put with TransactionConflictException, which the SDK does not
 * retry. The bootstrap tries again once the transaction is over, instead of failing the pipeline step.
 */
const env = tableBehindLayer({ maxHoldMs: Infinity });

it('refills a product a transaction holds once the transaction is over', async () => {
  const sku = LOADTEST_PRODUCTS[0]!.sku;
  const held = await env.layer.holdTransaction([{ Put: { TableName: env.table.tableName, Item: { ...productKey(sku), sku, stock: 1 } } }]);

  const bootstrap = ensureLoadTestCatalog(env.layer.once, env.table.tableName);
  await eventually(async () => env.layer.proxy.stats.writeConflicts > 0, 10_000, 'the bootstrap’s put refused');
  await held.release();

  const changes = await bootstrap;
  expect(changes.find((c) => c.what === `product ${sku}`)).toEqual({
    what: `product ${sku}`,
    action: 'updated',
    detail: `stock 1 → ${LOADTEST_STOCK.refillTo}`,
  });
  const item = await env.table.db.send(new GetCommand({ TableName: env.table.tableName, Key: productKey(sku), ConsistentRead: true }));
  expect(item.Item?.stock).toBe(LOADTEST_STOCK.refillTo);
});
