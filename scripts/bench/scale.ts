import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pino from 'pino';
import { orderToItem } from '../../core/tableItems';
import { percentile } from '../../loadtest/lib/stats';
import { localCognitoVerifier } from '../../service/src/auth/verifier';
import { trustOf } from '../../local/cognito';
import { createApp } from '../../service/src/app';
import { listen } from '../../service/src/server';
import { RUNS, log, median, newTable, orderFor, writeItems, type Env } from './support';

const SCALE_LARGE = Number(process.env.BENCH_SCALE_ORDERS ?? 100_000);

/** Fills a table with `count` orders: the measured customer's 100 among those of 1,000 others. */
const fillOrders = (env: Env, db: DynamoDBDocumentClient, table: string, count: number) =>
  writeItems(db, table, Array.from({ length: count }, (_, n) => orderToItem(orderFor(n < 100 ? env.customer : `customer-${n % 1000}`))));

export async function scale(env: Env) {
  const small = await newTable(env);
  const large = await newTable(env);
  log(`scale: writing 1,000 and ${SCALE_LARGE.toLocaleString()} orders`);
  await fillOrders(env, small.db, small.name, 1000);
  await fillOrders(env, large.db, large.name, SCALE_LARGE);
  const verifier = localCognitoVerifier(trustOf(env.pool));
  const serve = async (t: typeof small) => {
    const state = { shuttingDown: false };
    const app = createApp({ db: t.db, tableName: t.name, verifier, logger: pino({ level: 'silent' }) });
    return listen(app, { port: 0, host: '127.0.0.1', shutdownTimeoutMs: 1000, logger: pino({ level: 'silent' }), state });
  };
  const [smallApi, largeApi] = [await serve(small), await serve(large)];
  const p50Of = async (port: number) => {
    const latencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = process.hrtime.bigint();
      const res = await fetch(`http://127.0.0.1:${port}/v1/orders?limit=20`, { headers: { Authorization: `Bearer ${env.token}` } });
      await res.arrayBuffer();
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return percentile(latencies.slice(20), 50); // the first requests warm caches
  };
  const runs: Array<{ p50SmallMs: number; p50LargeMs: number; ratio: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    const p50SmallMs = await p50Of(smallApi.port);
    const p50LargeMs = await p50Of(largeApi.port);
    runs.push({ p50SmallMs, p50LargeMs, ratio: p50LargeMs / p50SmallMs });
    log(`scale run ${i + 1}: list p50 ${p50SmallMs.toFixed(2)} ms at 1k vs ${p50LargeMs.toFixed(2)} ms at ${SCALE_LARGE}`);
  }
  await smallApi.shutdown();
  await largeApi.shutdown();
  return { goal: '<= 1.2', ordersSmall: 1000, ordersLarge: SCALE_LARGE, median: median(runs.map((r) => r.ratio)), runs };
}
