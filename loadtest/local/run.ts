import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pino from 'pino';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { capacityFile, readCapacity, type CapacityTally } from '../../local/capacity';
import { findUserPool } from '../../local/cognito';
import { LOCAL_AWS } from '../../local/dynamodb';
import { freePort } from '../../local/process';
import { localSettings } from '../../local/settings';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { DEMO_PASSWORD } from '../../core/userpool';
import { armFlashSale, ensureLoadTestCatalog, ensureLoadTestUser } from '../../scripts/pipeline/bootstrap';
import { FLASH_SALE } from '../lib/catalog';
import { compareWithBaseline, type Baseline } from '../lib/baseline';
import {
  createBody,
  endToEndMs,
  expectedFlashStock,
  isFlashSale,
  orderBody,
  pickOperation,
  rateSteps,
  type OrderTimes,
  type ScenarioDefinition,
} from '../lib/config';
import { orderCost } from '../lib/cost';
import { pipelineVerdicts, steadyWindow, throughput, type OrderOutcome } from '../lib/pipeline';
import { cognitoEndpoint } from '../lib/signIn';
import { evaluateThresholds, junitXml, percentile } from '../lib/stats';
import { baselinePath, readBaseline, writeBaseline } from './baselineFile';
import { drain } from './drain';
import { unitPrices } from './prices';
import { readLoadConfig } from './loadConfig';
import { signInAsK6 } from './signIn';
import { htmlReport, summarise, type LoadReport, type Sample } from './report';

const ROOT = path.resolve(__dirname, '../..');
const CONFIG = readLoadConfig();
/** The load-test user the runner creates on a local stack (in AWS: the LOADTEST_* secrets). */
const LOCAL_LOADTEST_USER = { username: 'loadtest@example.com', password: DEMO_PASSWORD };

interface Args {
  scenario: string;
  stack: string;
  url?: string;
  out: string;
  /** Shortens a constant-arrival-rate scenario (same rate and mix), e.g. for a rehearsal. */
  duration?: string;
  /** Judge by another entry of `thresholds` than the stack's own (`--thresholds rehearsal`). */
  thresholds: string;
  /** The baseline to compare with (default loadtest/results/baseline-<stack>-<scenario>.json). */
  baseline?: string;
  /** Whose prices the cost figure uses (loadtest/prices.json). */
  pricesRegion: string;
  /** Units a flash sale starts with on a local stack (default FLASH_SALE.stock). */
  flashStock: number;
}

/**
 * Flags, or k6's environment (STACK, SCENARIO, API_URL, …): with API_URL set, the runner targets that stack
 * and signs in exactly as k6's setup() does, so a gate can be rehearsed on a stack shaped like a deployed one.
 */
function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): Args {
  const value = (flag: string) => {
    const i = argv.lastIndexOf(flag); // a later flag overrides an earlier one
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const scenario = value('--scenario') ?? env.SCENARIO ?? 'smoke';
  if (!CONFIG.scenarios[scenario]) throw new Error(`unknown scenario '${scenario}'; have: ${Object.keys(CONFIG.scenarios).join(', ')}`);
  const duration = value('--duration');
  const stack = value('--stack') ?? env.STACK ?? 'local';
  return {
    scenario,
    stack,
    thresholds: value('--thresholds') ?? stack,
    pricesRegion: value('--prices') ?? env.AWS_REGION ?? 'eu-west-1',
    flashStock: Number(value('--flash-stock') ?? FLASH_SALE.stock),
    ...(value('--baseline') ? { baseline: value('--baseline')! } : {}),
    url: value('--url') ?? env.API_URL,
    out: value('--out') ?? path.join(ROOT, 'loadtest/results'),
    ...(duration ? { duration } : {}),
  };
}

async function reachable(url: string) {
  try {
    return (await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/** Signs in as k6's setup() does; no token is an error that says why. */
async function tokenAsK6(endpoint: string, clientId: string, username: string, password: string): Promise<string> {
  const result = await signInAsK6(endpoint, clientId, username, password);
  if ('error' in result) throw new Error(result.error);
  return result.token;
}

/** A local stack gets what the pipeline's bootstrap gives a deployed one: the gate's user and products. */
async function bootstrapLocal(
  dynamoEndpoint: string,
  cognito: { endpoint: string; client(): CognitoIdentityProviderClient },
  tableName: string,
  clientId: string,
  userPoolId: string,
  flashSale: number | undefined,
) {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamoEndpoint }));
  const client = cognito.client();
  try {
    await ensureLoadTestCatalog(db, tableName);
    if (flashSale !== undefined) await armFlashSale(db, tableName, flashSale);
    await ensureLoadTestUser(client, { userPoolId, clientId }, LOCAL_LOADTEST_USER);
  } finally {
    db.destroy();
    client.destroy();
  }
  return tokenAsK6(`${cognito.endpoint}/`, clientId, LOCAL_LOADTEST_USER.username, LOCAL_LOADTEST_USER.password);
}

/** The stack named by API_URL (as k6 sees it), the one `npm start` runs (same PORT settings), or a fresh one. */
interface Target {
  url: string;
  token: string;
  /** Request units consumed so far by the stack's API and processor, where the runner can see them. */
  capacity(): CapacityTally | undefined;
  stop(): Promise<void>;
}

/** `flashSale`: the units to arm a local flash sale with (undefined: not a flash sale). */
async function targetStack(args: Args, env: NodeJS.ProcessEnv, flashSale: number | undefined): Promise<Target> {
  if (env.API_URL) {
    const token = await tokenAsK6(
      cognitoEndpoint(env.AWS_REGION ?? '', env.COGNITO_ENDPOINT),
      env.USER_POOL_CLIENT_ID ?? '',
      env.LOADTEST_USERNAME ?? '',
      env.LOADTEST_PASSWORD ?? '',
    );
    console.log(`Using the stack at ${env.API_URL} (signed in as ${env.LOADTEST_USERNAME})`);
    return { url: env.API_URL.replace(/\/$/, ''), token, capacity: () => undefined, stop: async () => undefined };
  }
  const settings = localSettings(env);
  const url = args.url ?? `http://localhost:${settings.apiPort}`;
  if (await reachable(url)) {
    const endpoint = `http://127.0.0.1:${settings.cognitoPort}`;
    const pool = await findUserPool(endpoint);
    if (!pool) throw new Error(`${url} answers but no local Cognito pool was found at ${endpoint}`);
    const cognito = { endpoint, client: () => new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint }) };
    const token = await bootstrapLocal(
      `http://127.0.0.1:${settings.dynamoPort}`,
      cognito,
      settings.tableName,
      pool.clientIds.loadTest,
      pool.userPoolId,
      flashSale,
    );
    console.log(`Using the running stack at ${url}`);
    return { url, token, capacity: () => readCapacity(capacityFile(settings.apiPort)), stop: async () => undefined };
  }
  console.log(`No stack at ${url}: starting one in memory…`);
  const stack: LocalStack = await startLocalStack(
    { ...settings, apiPort: await freePort(), dynamoPort: await freePort(), cognitoPort: await freePort(), dataDir: undefined },
    pino({ level: 'silent' }),
  );
  try {
    const token = await bootstrapLocal(stack.dynamo.endpoint, stack.cognito, stack.tableName, stack.pool.clientIds.loadTest, stack.pool.userPoolId, flashSale);
    return { url: stack.apiUrl, token, capacity: () => ({ ...stack.capacity }), stop: () => stack.stop() };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

/** The scenario, shortened by --duration where asked. */
function withDuration(scenario: ScenarioDefinition, duration: string | undefined): ScenarioDefinition {
  if (!duration) return scenario;
  if (scenario.executor !== 'constant-arrival-rate') throw new Error('--duration applies to constant-arrival-rate scenarios only');
  return { ...scenario, duration };
}

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const args = parseArgs(process.argv.slice(2), process.env);
  const scenario = withDuration(CONFIG.scenarios[args.scenario]!, args.duration);
  const thresholds = CONFIG.thresholds[args.thresholds];
  if (!thresholds) throw new Error(`no thresholds named '${args.thresholds}' in loadtest/scenarios.json`);
  const flashSale = isFlashSale(scenario);
  if (!Number.isInteger(args.flashStock) || args.flashStock < 1) throw new Error('--flash-stock must be a whole number of units, at least 1');
  const target = await targetStack(args, process.env, flashSale ? args.flashStock : undefined);
  try {
    const auth = `Bearer ${target.token}`; // one customer (the load-test user): it reads its own orders
    // A few orders to read, as k6's setup() does.
    const seeded: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${target.url}/v1/orders`, {
        method: 'POST',
        headers: { Authorization: auth, 'Content-Type': 'application/json' },
        body: orderBody(i / 5),
      });
      if (res.status === 202) seeded.push(((await res.json()) as { orderId: string }).orderId);
    }
    if (seeded.length === 0) throw new Error('no seed order was accepted: is the gate catalog there? (npm run stack:bootstrap)');
    const flashStock = async () => {
      const res = await fetch(`${target.url}/v1/products/${FLASH_SALE.product.sku}`, { headers: { Authorization: auth } });
      return res.status === 200 ? ((await res.json()) as { stock: number }).stock : undefined;
    };
    const flashStockBefore = flashSale ? await flashStock() : undefined;
    if (flashSale && !flashStockBefore)
      throw new Error(`the flash sale is not armed (${FLASH_SALE.product.sku} has no stock): npm run stack:bootstrap -- --flash-sale`);
    let flashOrders = 0;

    const samples: Sample[] = [];
    const created: OrderOutcome[] = [];
    const capacityBefore = target.capacity();
    const started = Date.now();
    console.log(`${args.scenario}: ${scenario.description}`);
    for (const [index, step] of rateSteps(scenario).entries()) {
      console.log(`  step ${index + 1}: ${step.rate} req/s for ${step.durationMs / 1000} s`);
      let n = 0;
      // Progress: autocannon's bar on a terminal, a line a second otherwise (CI logs).
      const ticker = process.stdout.isTTY
        ? undefined
        : setInterval(
            () => console.log(`    ${Math.round((Date.now() - started) / 1000)} s: ${samples.length} responses, ${created.length} orders accepted`),
            1000,
          );
      try {
        await new Promise<autocannon.Result>((resolve, reject) => {
          const instance = autocannon(
            {
              url: target.url,
              connections: Math.min(scenario.maxVUs, Math.max(10, step.rate)),
              overallRate: step.rate,
              duration: step.durationMs / 1000,
              timeout: 10,
              requests: [
                {
                  setupRequest: (req: autocannon.Request): autocannon.Request => {
                    const operation = pickOperation(scenario.mix, Math.random());
                    n++;
                    const headers = { Authorization: auth, 'Content-Type': 'application/json' };
                    if (operation === 'create' || operation === 'flash')
                      return { ...req, method: 'POST', path: '/v1/orders', headers, body: createBody(operation, Math.random()) };
                    if (operation === 'get') return { ...req, method: 'GET', path: `/v1/orders/${seeded[n % seeded.length]}`, headers };
                    return { ...req, method: 'GET', path: '/v1/orders?limit=20', headers };
                  },
                  onResponse: (status: number, body: string) => {
                    if (status !== 202) return;
                    const order = JSON.parse(body) as { orderId: string; createdAt: string; items: Array<{ sku: string }> };
                    created.push({ orderId: order.orderId, createdAtMs: Date.parse(order.createdAt) });
                    if (order.items.some((item) => item.sku === FLASH_SALE.product.sku)) flashOrders++;
                  },
                },
              ],
            },
            (err, result) => (err ? reject(err) : resolve(result)),
          );
          instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) =>
            samples.push({ t: Date.now() - started, ms: responseTime, status: statusCode }),
          );
          instance.on('reqError', () => samples.push({ t: Date.now() - started, ms: 0, status: 0 }));
          autocannon.track(instance, { renderProgressBar: Boolean(process.stdout.isTTY), renderResultsTable: false, renderLatencyTable: false });
        });
      } finally {
        clearInterval(ticker);
      }
    }
    const loadEnded = Date.now();
    const durationMs = loadEnded - started;

    // The drain: every order the run created must be decided within the stack's allowance.
    console.log(`  drain: waiting up to ${thresholds.drainAllowanceMs / 1000} s for ${created.length} orders to be decided`);
    await drain(created, thresholds.drainAllowanceMs, async (orderId) => {
      const res = await fetch(`${target.url}/v1/orders/${orderId}`, { headers: { Authorization: auth } });
      if (res.status !== 200) return undefined;
      const order = (await res.json()) as OrderTimes;
      const ms = endToEndMs(order);
      return ms === undefined ? undefined : Date.parse(order.createdAt) + ms;
    });
    const capacityAfter = target.capacity();
    const decided = created.filter((o) => o.decidedAtMs !== undefined);
    const e2eValues = decided.map((o) => o.decidedAtMs! - o.createdAtMs);
    const failed = samples.filter((s) => s.status === 0 || s.status >= 400).length;
    const steady = throughput(created, steadyWindow(started, loadEnded));
    const results = [
      ...evaluateThresholds({ requests: samples.length, failed, latenciesMs: samples.map((s) => s.ms), e2eMs: e2eValues }, thresholds),
      ...pipelineVerdicts(created, { startMs: started, endMs: loadEnded }, thresholds),
    ];
    // A flash sale sells exactly what the orders could take: no overselling, no order rejected while stock was left.
    const flashSaleResult =
      flashStockBefore === undefined
        ? undefined
        : { sku: FLASH_SALE.product.sku, stockBefore: flashStockBefore, orders: flashOrders, stockAfter: (await flashStock()) ?? -1 };
    if (flashSaleResult) {
      const mismatch = Math.abs(flashSaleResult.stockAfter - expectedFlashStock(flashSaleResult.stockBefore, flashSaleResult.orders));
      results.push({ metric: 'flash_sale_stock_mismatch', threshold: 'count<1', value: mismatch, ok: mismatch < 1 });
    }

    // Cost: locally DynamoDB's request units only (what the API and the processor consumed during the run).
    const cost =
      capacityBefore && capacityAfter
        ? orderCost(
            { writeRequestUnits: capacityAfter.write - capacityBefore.write, readRequestUnits: capacityAfter.read - capacityBefore.read },
            unitPrices(args.pricesRegion),
            created.length,
          )
        : undefined;

    const latencies = samples.map((s) => s.ms);
    const current: Baseline = {
      scenario: args.scenario,
      stack: args.stack,
      recordedAt: new Date(started).toISOString(),
      httpP95Ms: percentile(latencies, 95),
      httpP99Ms: percentile(latencies, 99),
      e2eP95Ms: percentile(e2eValues, 95),
      e2eP99Ms: percentile(e2eValues, 99),
      decisionThroughput: steady.ratio,
      errorRate: samples.length ? failed / samples.length : 1,
      ...(cost && Number.isFinite(cost.perMillionOrdersUsd) ? { costPerMillionUsd: cost.perMillionOrdersUsd } : {}),
      // HTTP latency is compared only between runs from one place (lib/baseline.ts): k6's variable, or this machine.
      runnerLocation: process.env.RUNNER_LOCATION || `${os.hostname()} (local runner)`,
    };
    const baselineFile = args.baseline ?? baselinePath(args.out, args.stack, args.scenario);
    const baseline = readBaseline(baselineFile);
    const comparisons = baseline ? compareWithBaseline(current, baseline, CONFIG.regression) : [];
    const passed = results.every((r) => r.ok) && comparisons.every((c) => c.ok);
    const report: LoadReport = {
      scenario: args.scenario,
      stack: args.stack,
      url: target.url,
      startedAt: new Date(started).toISOString(),
      durationMs,
      requests: samples.length,
      failed,
      throughputPerSecond: samples.length / (durationMs / 1000),
      latencyMs: summarise(latencies),
      e2eMs: { ...summarise(e2eValues), orders: e2eValues.length, undecided: created.length - decided.length },
      thresholds: results,
      comparisons,
      baseline: baseline
        ? `Compared with the run of ${baseline.recordedAt} (${baselineFile}).`
        : `No baseline at ${baselineFile}: this first run is judged on the absolute thresholds alone.`,
      ...(cost ? { cost } : {}),
      ...(flashSaleResult ? { flashSale: flashSaleResult } : {}),
      undecided: created
        .filter((o) => o.decidedAtMs === undefined)
        .slice(0, 50)
        .map((o) => o.orderId),
      decisions: { arrivalsPerSecond: steady.arrivalsPerSecond, decisionsPerSecond: steady.decisionsPerSecond, ratio: steady.ratio },
      passed,
    };
    mkdirSync(args.out, { recursive: true });
    const base = path.join(args.out, `${args.scenario}-${report.startedAt.replace(/[:.]/g, '-')}`);
    writeFileSync(`${base}.json`, JSON.stringify({ ...report, current, samples }, null, 2));
    writeFileSync(`${base}.html`, htmlReport(report, samples, created));
    writeFileSync(`${base}.junit.xml`, junitXml(`load ${args.scenario} on ${args.stack}`, results, comparisons));
    if (passed) writeBaseline(baselineFile, current);
    console.log(
      `\n${report.requests} requests, ${report.failed} failed, ${report.throughputPerSecond.toFixed(1)} req/s; steady part ${steady.arrivalsPerSecond.toFixed(1)} orders/s accepted, ${steady.decisionsPerSecond.toFixed(1)}/s decided`,
    );
    if (flashSaleResult)
      console.log(
        `  flash sale: ${flashSaleResult.orders} orders for ${flashSaleResult.stockBefore} units of ${flashSaleResult.sku}, ${flashSaleResult.stockAfter} left`,
      );
    if (cost) console.log(`  cost: ${cost.perMillionOrdersUsd.toFixed(2)} USD per million orders (${args.pricesRegion} prices; ${cost.missing.join('; ')})`);
    for (const r of results)
      console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.metric} ${r.threshold} (was ${Number.isFinite(r.value) ? Math.round(r.value * 1000) / 1000 : 'no data'})`);
    console.log(`  ${report.baseline}`);
    for (const c of comparisons) console.log(`  ${!c.ok ? 'FAIL' : c.compared ? 'ok  ' : 'skip'} baseline ${c.figure}: ${c.note}`);
    if (report.undecided.length) console.log(`  undecided after the drain: ${report.undecided.join(', ')}`);
    console.log(`Report: ${base}.html\n${report.passed ? 'PASSED' : 'FAILED'}${passed ? ` (baseline updated: ${baselineFile})` : ''}`);
    process.exitCode = report.passed ? 0 : 1;
  } finally {
    await target.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
