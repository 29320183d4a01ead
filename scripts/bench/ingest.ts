import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { orderToItem } from '../../core/tableItems';
import { startApiProcess } from './apiProcess';
import { RUNS, SECONDS, log, median, newTable, orderFor, type Env } from './support';

/** Connections each side of the ingest figure keeps busy: the API's (autocannon) and the raw PutItem loops. */
export const CONCURRENCY = 32;

/**
 * Raw store throughput: CONCURRENCY loops of PutItem (an order-sized item) for SECONDS: the write the API makes for
 * a load tester's order (exempt from the per-customer limits, whose count writes make a customer's order a transaction).
 */
async function rawPutRate(db: DynamoDBDocumentClient, table: string, customer: string, seconds: number): Promise<number> {
  let done = 0;
  const until = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        await db.send(new PutCommand({ TableName: table, Item: orderToItem(orderFor(customer)), ConditionExpression: 'attribute_not_exists(PK)' }));
        done++;
      }
    }),
  );
  return done / ((Date.now() - started) / 1000);
}

async function apiCreateRate(url: string, token: string, seconds: number): Promise<number> {
  const result = await autocannon({
    url: `${url}/v1/orders`,
    method: 'POST',
    connections: CONCURRENCY,
    duration: seconds,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ items: [{ sku: 'CB-004', quantity: 1 }] }),
  });
  if (result.non2xx > 0 || result.errors > 0) log(`  api: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return (result.requests.total - result.non2xx) / (result.duration || seconds);
}

export async function ingest(env: Env) {
  const table = await newTable(env);
  const api = await startApiProcess(env, table.name);
  log('ingest: warming up the JVM and the API');
  await rawPutRate(table.db, table.name, env.customer, 4);
  await apiCreateRate(api.url, env.loadTestToken, 4);
  const runs: Array<{ apiPerSecond: number; rawPutPerSecond: number; ratio: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    const rawPutPerSecond = await rawPutRate(table.db, table.name, env.customer, SECONDS);
    const apiPerSecond = await apiCreateRate(api.url, env.loadTestToken, SECONDS);
    runs.push({ apiPerSecond, rawPutPerSecond, ratio: apiPerSecond / rawPutPerSecond });
    log(`ingest run ${i + 1}: API ${apiPerSecond.toFixed(0)}/s vs PutItem ${rawPutPerSecond.toFixed(0)}/s`);
  }
  await api.stop();
  table.db.destroy();
  return { goal: '>= 0.8', median: median(runs.map((r) => r.ratio)), runs };
}
