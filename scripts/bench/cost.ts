import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { documentClient } from '../../core/store/client';
import { meterCapacity } from '../../local/capacity';
import { LOCAL_AWS } from '../../local/dynamodb';
import { localProcessor } from '../../local/processor';
import { localCognitoVerifier } from '../../service/src/auth/verifier';
import { trustOf } from '../../local/cognito';
import { createApp } from '../../service/src/app';
import { listen } from '../../service/src/server';
import { newTable, log, sleep, startPoller, type Env } from './support';

const PRICES = JSON.parse(readFileSync(path.join(__dirname, 'prices.json'), 'utf8')) as { region: string; usdPerMillionWriteRequestUnits: number; usdPerMillionReadRequestUnits: number };

/** Capacity units per order, end to end: create (API), reserve (processor), one read by the customer. */
export async function cost(env: Env) {
  const ORDERS = 50;
  const table = await newTable(env);
  const apiDb = documentClient({ ...LOCAL_AWS, endpoint: env.dynamoEndpoint });
  const processorDb = documentClient({ ...LOCAL_AWS, endpoint: env.dynamoEndpoint });
  const apiUnits = meterCapacity(apiDb);
  const processorUnits = meterCapacity(processorDb);
  const verifier = localCognitoVerifier(trustOf(env.pool));
  // As deployed: every order counted against its customer's limits (roomy enough for this one customer's orders).
  const limits = { unitsPerLine: 100, linesPerOrder: 50, openOrders: ORDERS, ordersPerMinute: ORDERS };
  const app = createApp({ db: apiDb, tableName: table.name, verifier, logger: pino({ level: 'silent' }), limits });
  const api = await listen(app, { port: 0, host: '127.0.0.1', shutdownTimeoutMs: 1000, logger: pino({ level: 'silent' }), state: { shuttingDown: false } });
  let decided = 0;
  const handler = localProcessor({ db: processorDb, tableName: table.name, logLevel: 'SILENT' });
  const poller = await startPoller(env, table, async (event, context) => {
    const response = await handler(event, context);
    decided += event.Records.length;
    return response;
  });
  const ids: string[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const res = await fetch(`http://127.0.0.1:${api.port}/v1/orders`, { method: 'POST', headers: { Authorization: `Bearer ${env.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ items: [{ sku: 'CB-004', quantity: 1 }] }) });
    ids.push(((await res.json()) as { orderId: string }).orderId);
  }
  while (decided < ORDERS) await sleep(50);
  for (const id of ids) await (await fetch(`http://127.0.0.1:${api.port}/v1/orders/${id}`, { headers: { Authorization: `Bearer ${env.token}` } })).arrayBuffer();
  await poller.stop();
  await api.shutdown();
  const wcu = (apiUnits.write + processorUnits.write) / ORDERS;
  const rcu = (apiUnits.read + processorUnits.read) / ORDERS;
  const perMillion = wcu * PRICES.usdPerMillionWriteRequestUnits + rcu * PRICES.usdPerMillionReadRequestUnits;
  log(`cost: ${wcu.toFixed(2)} WCU + ${rcu.toFixed(2)} RCU per order → $${perMillion.toFixed(2)} per million orders (${PRICES.region})`);
  return {
    goal: '<= 3 WCU + 2 RCU per order',
    orders: ORDERS,
    wcuPerOrder: wcu,
    rcuPerOrder: rcu,
    breakdown: { apiWrite: apiUnits.write / ORDERS, apiRead: apiUnits.read / ORDERS, processorWrite: processorUnits.write / ORDERS, processorRead: processorUnits.read / ORDERS },
    usdPerMillionOrders: perMillion,
    prices: PRICES,
  };
}
