import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import pino from 'pino';
import { orderToItem } from '../../core/store/items';
import { OrderStore } from '../../core/store/orders';
import { DEMO_PASSWORD } from '../../core/userpool';
import { ensureUserPool, signIn, startCognitoLocal } from '../../local/cognito';
import { LOCAL_AWS, startDynamoDbLocal } from '../../local/dynamodb';
import { localProcessor } from '../../local/processor';
import { freePort } from '../../local/process';
import { percentile } from '../../loadtest/lib/stats';
import { createApp } from '../../service/src/app';
import { localCognitoVerifier } from '../../service/src/auth/verifier';
import { documentClient } from '../../core/store/client';
import { listen } from '../../service/src/server';
import { meterCapacity } from '../../local/capacity';
import { readLoadConfig } from '../../loadtest/local/loadConfig';
import { PRODUCTS, flashSale, processing } from './drain';
import { POLL_INTERVAL_MS, RUNS, SECONDS, log, median, newTable, orderFor, sleep, startPoller, writeItems, type Env } from './support';

/**
 * `npm run bench`: each figure is a ratio of two things measured in the same run on this machine (the service
 * vs the raw store), repeated RUNS times; the results file reports the median and every run.
 */
const ROOT = path.resolve(__dirname, '../..');
const CONCURRENCY = 32;
const SCALE_LARGE = Number(process.env.BENCH_SCALE_ORDERS ?? 100_000);
const PRICES = JSON.parse(readFileSync(path.join(__dirname, 'prices.json'), 'utf8')) as { region: string; usdPerMillionWriteRequestUnits: number; usdPerMillionReadRequestUnits: number };
/** The local thresholds of loadtest/scenarios.json: end to end at the `orders` scenario's rate is judged by them. */
const LOAD = readLoadConfig();

/** The API as deployed: its own process (tsx service/src/main.ts), configured from the environment. */
async function startApiProcess(env: Env, tableName: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'service/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      TABLE_NAME: tableName,
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      DYNAMODB_ENDPOINT: env.dynamoEndpoint,
      COGNITO_CLIENT_ID: env.pool.clientId,
      COGNITO_ISSUER: env.pool.issuer,
      COGNITO_JWKS_URI: env.pool.jwksUri,
      LOG_LEVEL: 'warn',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${url}/v1/health`).then((r) => r.ok, () => false)) break;
    await sleep(100);
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Raw store throughput: CONCURRENCY loops of PutItem (an order-sized item) for SECONDS. */
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

async function ingest(env: Env) {
  const table = await newTable(env);
  const api = await startApiProcess(env, table.name);
  log('ingest: warming up the JVM and the API');
  await rawPutRate(table.db, table.name, env.customer, 4);
  await apiCreateRate(api.url, env.token, 4);
  const runs: Array<{ apiPerSecond: number; rawPutPerSecond: number; ratio: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    const rawPutPerSecond = await rawPutRate(table.db, table.name, env.customer, SECONDS);
    const apiPerSecond = await apiCreateRate(api.url, env.token, SECONDS);
    runs.push({ apiPerSecond, rawPutPerSecond, ratio: apiPerSecond / rawPutPerSecond });
    log(`ingest run ${i + 1}: API ${apiPerSecond.toFixed(0)}/s vs PutItem ${rawPutPerSecond.toFixed(0)}/s`);
  }
  await api.stop();
  table.db.destroy();
  return { goal: '>= 0.8', median: median(runs.map((r) => r.ratio)), runs };
}

async function endToEnd(env: Env) {
  const RATE = LOAD.scenarios.orders!.rate;
  const threshold = LOAD.thresholds.local!.e2eP95Ms;
  const runs: Array<{ p50: number; p95: number; p99: number; orders: number; p50OverPollInterval: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    const table = await newTable(env);
    const poller = await startPoller(env, table, localProcessor({ db: table.db, tableName: table.name, logLevel: 'SILENT' }));
    const api = await startApiProcess(env, table.name);
    const created: string[] = [];
    await autocannon({
      url: api.url,
      connections: 10,
      overallRate: RATE,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          path: '/v1/orders',
          headers: { Authorization: `Bearer ${env.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ items: [{ sku: 'CB-004', quantity: 1 }] }),
          onResponse: (status: number, body: string) => {
            if (status === 202) created.push((JSON.parse(body) as { orderId: string }).orderId);
          },
        },
      ],
    });
    const orders = new OrderStore(table.db, table.name);
    const latencies: number[] = [];
    for (const id of created) {
      for (;;) {
        const order = (await orders.get(id))!;
        const decided = order.history.find((h) => h.status !== 'PENDING');
        if (decided) {
          latencies.push(Date.parse(decided.at) - Date.parse(order.createdAt));
          break;
        }
        await sleep(50);
      }
    }
    await api.stop();
    await poller.stop();
    table.db.destroy();
    const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(latencies, p)) as [number, number, number];
    runs.push({ p50, p95, p99, orders: latencies.length, p50OverPollInterval: p50 / POLL_INTERVAL_MS });
    log(`end-to-end run ${i + 1}: p50 ${p50} ms, p95 ${p95} ms, p99 ${p99} ms over ${latencies.length} orders at ${RATE}/s`);
  }
  return {
    arrivalRatePerSecond: RATE,
    e2eP95ThresholdMs: threshold,
    pollIntervalMs: POLL_INTERVAL_MS,
    medianP50: median(runs.map((r) => r.p50)),
    medianP95: median(runs.map((r) => r.p95)),
    medianP99: median(runs.map((r) => r.p99)),
    medianP50OverPollInterval: median(runs.map((r) => r.p50OverPollInterval)),
    runs,
  };
}

/** Fills a table with `count` orders: the measured customer's 100 among those of 1,000 others. */
const fillOrders = (env: Env, db: DynamoDBDocumentClient, table: string, count: number) =>
  writeItems(db, table, Array.from({ length: count }, (_, n) => orderToItem(orderFor(n < 100 ? env.customer : `customer-${n % 1000}`))));

async function scale(env: Env) {
  const small = await newTable(env);
  const large = await newTable(env);
  log(`scale: writing 1,000 and ${SCALE_LARGE.toLocaleString()} orders`);
  await fillOrders(env, small.db, small.name, 1000);
  await fillOrders(env, large.db, large.name, SCALE_LARGE);
  const verifier = localCognitoVerifier({ issuer: env.pool.issuer, jwksUri: env.pool.jwksUri, clientIds: [env.pool.clientId] });
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

/** Capacity units per order, end to end: create (API), reserve (processor), one read by the customer. */
async function cost(env: Env) {
  const ORDERS = 50;
  const table = await newTable(env);
  const apiDb = documentClient({ ...LOCAL_AWS, endpoint: env.dynamoEndpoint });
  const processorDb = documentClient({ ...LOCAL_AWS, endpoint: env.dynamoEndpoint });
  const apiUnits = meterCapacity(apiDb);
  const processorUnits = meterCapacity(processorDb);
  const verifier = localCognitoVerifier({ issuer: env.pool.issuer, jwksUri: env.pool.jwksUri, clientIds: [env.pool.clientId] });
  const app = createApp({ db: apiDb, tableName: table.name, verifier, logger: pino({ level: 'silent' }) });
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

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (process.argv.includes('--render')) {
    // Re-render RESULTS.md from the last results.json without measuring again.
    const saved = JSON.parse(readFileSync(path.join(ROOT, 'bench/results.json'), 'utf8')) as Parameters<typeof renderMarkdown>[0];
    writeFileSync(path.join(ROOT, 'bench/RESULTS.md'), renderMarkdown(saved));
    return;
  }
  const cognito = await startCognitoLocal();
  try {
    const pool = await ensureUserPool(cognito);
    const token = (await signIn(cognito.endpoint, pool.clientId, 'alice@example.com', DEMO_PASSWORD)).accessToken;
    const customer = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
    // BENCH_ONLY=processing,cost runs a subset while tuning; only a full run writes the results file.
    const only = process.env.BENCH_ONLY?.split(',');
    // Each figure gets a fresh DynamoDB Local: the JVM slows as earlier phases' items and streams pile up,
    // which would make later figures depend on the order they run in.
    const phase = async <T>(name: string, measure: (env: Env) => Promise<T>): Promise<T | undefined> => {
      if (only && !only.includes(name)) return undefined;
      const dynamo = await startDynamoDbLocal();
      try {
        return await measure({ dynamoEndpoint: dynamo.endpoint, cognitoEndpoint: cognito.endpoint, pool, token, customer });
      } finally {
        await dynamo.stop();
      }
    };
    const results = {
      measuredAt: new Date().toISOString(),
      machine: { node: process.version, cpus: (await import('node:os')).cpus().length, runs: RUNS, seconds: SECONDS, concurrency: CONCURRENCY },
      ingest: await phase('ingest', ingest),
      processing: await phase('processing', processing),
      flashSale: await phase('flashSale', flashSale),
      endToEnd: await phase('endToEnd', endToEnd),
      scale: await phase('scale', scale),
      cost: await phase('cost', cost),
    };
    if (only) {
      log('BENCH_ONLY set: results file not written');
      return;
    }
    writeFileSync(path.join(ROOT, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(path.join(ROOT, 'bench/RESULTS.md'), renderMarkdown(results as Parameters<typeof renderMarkdown>[0]));
    log('wrote bench/results.json and bench/RESULTS.md');
  } finally {
    await cognito.stop();
  }
}

const f = (n: number, digits = 2) => n.toFixed(digits);

/** Sections of RESULTS.md that other commands measure (npm run bench:coldstart): carried over as they are. */
function keptSections(): string {
  try {
    const text = readFileSync(path.join(ROOT, 'bench/RESULTS.md'), 'utf8');
    return [...text.matchAll(/<!-- kept:start -->[\s\S]*?<!-- kept:end -->/g)].map((m) => m[0]).join('\n\n');
  } catch {
    return '';
  }
}

function renderMarkdown(r: {
  measuredAt: string;
  machine: { node: string; cpus: number; runs: number; seconds: number; concurrency: number };
  ingest: Awaited<ReturnType<typeof ingest>>;
  processing: Awaited<ReturnType<typeof processing>>;
  flashSale: Awaited<ReturnType<typeof flashSale>>;
  endToEnd: Awaited<ReturnType<typeof endToEnd>>;
  scale: Awaited<ReturnType<typeof scale>>;
  cost: Awaited<ReturnType<typeof cost>>;
}): string {
  const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [
    '# Benchmark results',
    '',
    `Measured ${r.measuredAt} by \`npm run bench\` on ${r.machine.cpus} cores, Node ${r.machine.node}, DynamoDB Local and cognito-local on the same machine. ` +
      `Each figure is a ratio within one run; the headline is the median of ${r.machine.runs} runs (every run is listed, and in results.json).`,
    '',
    '| figure | median | goal | runs |',
    '|---|---|---|---|',
    row(['ingest: POST /v1/orders ÷ raw PutItem, both at ' + r.machine.concurrency + ' concurrent', f(r.ingest.median), r.ingest.goal, r.ingest.runs.map((x) => `${f(x.apiPerSecond, 0)}/${f(x.rawPutPerSecond, 0)} per s`).join('; ')]),
    row([
      `processing: drain of ${r.processing.backlog.toLocaleString('en')} orders over ${r.processing.products} products, decisions in parallel (${r.processing.concurrency}) ÷ one at a time`,
      f(r.processing.overSequential.median),
      r.processing.overSequential.goal,
      r.processing.runs.map((x) => `${f(x.parallel, 0)}/${f(x.sequential, 0)} per s`).join('; '),
    ]),
    row([
      `processing: what this store allows, raw reservation transactions at ${r.processing.concurrency} concurrent ÷ one at a time`,
      f(r.processing.storeCeiling.median),
      '—',
      r.processing.runs.map((x) => `${f(x.raw, 0)}/${f(x.rawSequential, 0)} per s`).join('; '),
    ]),
    row([
      `processing: the parallel drain ÷ the raw reservation transactions at ${r.processing.concurrency} concurrent`,
      f(r.processing.overRaw.median),
      r.processing.overRaw.goal,
      r.processing.runs.map((x) => `${f(x.parallel, 0)}/${f(x.raw, 0)} per s`).join('; '),
    ]),
    row([
      `processing with ${r.processing.roundTripMs} ms added to each of the processor's DynamoDB calls (model of AWS): in parallel ÷ one at a time`,
      f(r.processing.overSequentialRoundTrip.median),
      r.processing.overSequentialRoundTrip.goal,
      r.processing.runs.map((x) => `${f(x.parallelRoundTrip, 0)}/${f(x.sequentialRoundTrip, 0)} per s`).join('; '),
    ]),
    row([
      `flash sale: ${r.flashSale.orders.toLocaleString('en')} orders for one product with ${r.flashSale.units} units ÷ the same over ${PRODUCTS} products (drain rate)`,
      f(r.flashSale.median),
      '—',
      r.flashSale.runs.map((x) => `${f(x.flashPerSecond, 0)}/${f(x.spreadPerSecond, 0)} per s, ${x.conflicts} conflicts retried`).join('; '),
    ]),
    row([
      `end to end at ${r.endToEnd.arrivalRatePerSecond}/s (the orders scenario's rate): p50 / p95 / p99 (ms)`,
      `${f(r.endToEnd.medianP50, 0)} / ${f(r.endToEnd.medianP95, 0)} / ${f(r.endToEnd.medianP99, 0)}`,
      `p95 < ${r.endToEnd.e2eP95ThresholdMs} (local threshold)`,
      r.endToEnd.runs.map((x) => `${x.p50}/${x.p95}/${x.p99}`).join('; '),
    ]),
    row([`end to end p50 ÷ poll interval (${r.endToEnd.pollIntervalMs} ms)`, f(r.endToEnd.medianP50OverPollInterval), '—', r.endToEnd.runs.map((x) => f(x.p50OverPollInterval)).join('; ')]),
    row([`scale: list p50 at ${r.scale.ordersLarge.toLocaleString('en')} ÷ at ${r.scale.ordersSmall.toLocaleString('en')} orders`, f(r.scale.median), r.scale.goal, r.scale.runs.map((x) => `${f(x.p50LargeMs)}/${f(x.p50SmallMs)} ms`).join('; ')]),
    row(['cost: capacity units per order (create + decide + one read)', `${f(r.cost.wcuPerOrder)} WCU + ${f(r.cost.rcuPerOrder)} RCU`, r.cost.goal, `API ${f(r.cost.breakdown.apiWrite)} W / ${f(r.cost.breakdown.apiRead)} R; processor ${f(r.cost.breakdown.processorWrite)} W / ${f(r.cost.breakdown.processorRead)} R`]),
    row([`cost per million orders (on-demand, ${r.cost.prices.region} prices)`, `$${f(r.cost.usdPerMillionOrders)}`, '—', `$${r.cost.prices.usdPerMillionWriteRequestUnits}/M WRU, $${r.cost.prices.usdPerMillionReadRequestUnits}/M RRU`]),
    '',
    keptSections(),
    '',
    '## Reading these numbers',
    '',
    `- Everything shares two cores with one DynamoDB Local JVM, whose speed drifts between runs: the parallel drain ranged ` +
      `${f(Math.min(...r.processing.runs.map((x) => x.parallel)), 0)}–${f(Math.max(...r.processing.runs.map((x) => x.parallel)), 0)} orders/s across runs, which is why each ` +
      'figure is a ratio measured within one run (both sides on the same JVM, in alternating order) and the headline is the median.',
    '- A run whose end-to-end latencies are seconds started on a cold JVM: for its first seconds the processor decides fewer orders a ' +
      'second than arrive, a backlog forms and drains. Warm runs show the steady state.',
    '- DynamoDB Local serialises transactions: it never answers TransactionConflict, so the flash sale retries no conflict here (in AWS it ' +
      'does, and the handler retries them with jittered backoff) and its drain rate shows the cost of one hot item, not of conflicts.',
    '',
    '## What bounds the figures that miss their goal',
    '',
    ...(r.processing.overSequential.median < 3 || r.processing.overRaw.median < 0.8
      ? [
          `- **Processing.** On this machine the store is the ceiling: DynamoDB Local runs ${r.processing.concurrency} concurrent reservation transactions only ` +
            `${f(r.processing.storeCeiling.median)}× as fast as one at a time, so no client-side concurrency can drain ${f(3, 0)}× faster here. ` +
            `With a round trip per call, as in AWS, the same handler drains ${f(r.processing.overSequentialRoundTrip.median)}× faster in parallel. ` +
            'The drain issues the same reservation transaction per order as the raw side, but the poller must also read every ' +
            "record the stream holds: besides the order's INSERT, each reservation writes two more (the product's stock and the order's status), so " +
            'it reads about three records per order and filters two away in-process, and writes a checkpoint per batch — all on the same DynamoDB ' +
            'Local JVM, which is the bottleneck on two cores: parallel decisions only help as far as that JVM has room for more transactions. ' +
            'In AWS, Lambda filters before invoking, stream reads do not compete with table writes, and each decision is a network round trip, ' +
            'so concurrency pays more there (README, "Capacity").',
        ]
      : []),
    ...(r.ingest.median < 0.8
      ? [
          `- **Ingest.** The API runs in a second Node process beside autocannon and the JVM on the same two cores. In this run raw PutItem went from ` +
            `${f(r.ingest.runs[0]!.rawPutPerSecond, 0)}/s in the first run to ${f(Math.max(...r.ingest.runs.slice(1).map((x) => x.rawPutPerSecond)), 0)}/s as the JVM warmed, ` +
            `while the API reached ${f(Math.max(...r.ingest.runs.map((x) => x.apiPerSecond)), 0)}/s: past that, the API process's share of the CPU, not the store, ` +
            'sets the figure, and how much of it the API gets varies between runs (the first run, on a cold JVM, is the even comparison).',
        ]
      : []),
    ...(r.cost.wcuPerOrder > 3
      ? [
          `- **Cost.** Accepting an order is one PutItem (1 WCU) plus its customer-index entry (1 WCU); deciding it is one TransactWriteItems over the product ` +
            'and the order, and DynamoDB bills each transactional item twice (4 WCU). An atomic reserve-and-confirm cannot cost less than 4 WCU, so 3 WCU per ' +
            'order would mean giving up the transaction (a conditional stock decrement, then a conditional order update, with compensation on redelivery) and with ' +
            'it the guarantee that a rejected order never holds stock. The transaction stays. Each extra order line adds 2 WCU. Figures are DynamoDB Local\'s ' +
            'ReturnConsumedCapacity, which does not count index writes inside transactions: in AWS the status change also rewrites the order\'s index entry.',
        ]
      : []),
    '',
  ].join('\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
