/**
 * The k6 promotion gate: `k6 run loadtest/k6/orders.ts` with STACK, SCENARIO, API_URL, USER_POOL_CLIENT_ID,
 * AWS_REGION (written by `npm run gate:env`) and LOADTEST_USERNAME / LOADTEST_PASSWORD in the environment (k6
 * copies it into __ENV; secrets never go on a command line), and RUNNER_LOCATION where the runner's place is
 * known (lib/baseline.ts). A failed threshold makes k6 exit 99, which fails the CI job. Scenarios and thresholds
 * come from loadtest/scenarios.json, the file the local runner reads.
 */
import { check, fail, sleep } from 'k6';
import http from 'k6/http';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
import { FLASH_SALE } from '../lib/catalog.ts';
import {
  createBody,
  endToEndMs,
  expectedFlashStock,
  expectedRequests,
  isFlashSale,
  k6Options,
  orderBody,
  pickOperation,
  type LoadConfig,
  type OrderTimes,
} from '../lib/config.ts';
import { decidedInTime, steadyWindow, throughput, type OrderOutcome } from '../lib/pipeline.ts';
import { junitXml, k6ThresholdResults } from '../lib/stats.ts';
import { accessTokenOf, cognitoEndpoint, signInRequest } from '../lib/signIn.ts';

declare const console: { warn(...values: unknown[]): void };

const config = JSON.parse(open('../scenarios.json')) as LoadConfig;
const STACK = __ENV.STACK || 'development';
const SCENARIO = __ENV.SCENARIO || 'gate';
const API_URL = (__ENV.API_URL || '').replace(/\/$/, '');
/** One created order in this many is followed until decided, for the end-to-end latency. */
const FOLLOW_EVERY = Number(__ENV.FOLLOW_EVERY || 10);

export const options = k6Options(config, SCENARIO, STACK);
const thresholds = config.thresholds[STACK]!;

const e2eLatency = new Trend('order_e2e_latency', true);
/** One sample per followed order: decided within the allowance, or not. A stuck pipeline records `false`. */
const orderDecided = new Rate('order_decided');
const throughputRatio = new Gauge('decision_throughput_ratio');
const undecidedAfterDrain = new Counter('orders_undecided_after_drain');
const decisionsPerSecond = new Gauge('decisions_per_second');
const ordersCreated = new Counter('orders_created');
/**
 * Flash sale: units by which what the run's orders took differs from what they could take (the stock left, as the
 * orders' outcomes account for it), plus one if the product's availability afterwards disagrees with that.
 */
const flashStockMismatch = new Counter('flash_sale_stock_mismatch');

interface SetupData {
  token: string;
  orderIds: string[];
  startedAtMs: number;
  /**
   * The units the flash sale started with (flash-sale scenarios only): what `stack:bootstrap --flash-sale` arms.
   * The load-test user is a customer, who sees a product's availability, never its count.
   */
  flashStockBefore?: number;
}

/** The flash-sale product's availability as the load-test user reads it (undefined: no such product). */
function flashAvailability(token: string): string | undefined {
  const res = http.get(`${API_URL}/v1/products/${FLASH_SALE.product.sku}`, { headers: headers(token), tags: { name: 'GET /v1/products/{sku}' } });
  return res.status === 200 ? (res.json('availability') as string) : undefined;
}

/**
 * Signs the load-test user in (USER_PASSWORD_AUTH on the stack's pool, the request in lib/signIn.ts) and seeds
 * a few orders to read. The user and the gate's products exist once `npm run stack:bootstrap` has run.
 */
export function setup(): SetupData {
  if (!API_URL) fail('set API_URL (pulumi stack output apiUrl)');
  const request = signInRequest(
    cognitoEndpoint(__ENV.AWS_REGION || '', __ENV.COGNITO_ENDPOINT),
    __ENV.USER_POOL_CLIENT_ID || '',
    __ENV.LOADTEST_USERNAME || '',
    __ENV.LOADTEST_PASSWORD || '',
  );
  const auth = http.post(request.url, request.body, { headers: request.headers, tags: { name: 'cognito' } });
  const signedIn = accessTokenOf(auth.status, auth.body as string);
  if ('error' in signedIn) fail(signedIn.error);
  const token = (signedIn as { token: string }).token;
  const orderIds: string[] = [];
  for (let i = 0; i < 5; i++) {
    const res = http.post(`${API_URL}/v1/orders`, orderBody(i / 5), { headers: headers(token), tags: { name: 'seed' } });
    if (res.status === 202) orderIds.push(res.json('orderId') as string);
  }
  if (orderIds.length === 0) fail('no seed order was accepted: is the gate catalog there? (npm run stack:bootstrap)');
  if (!isFlashSale(config.scenarios[SCENARIO]!)) return { token, orderIds, startedAtMs: Date.now() };
  const availability = flashAvailability(token);
  if (!availability || availability === 'OUT_OF_STOCK')
    fail(`the flash sale is not armed (${FLASH_SALE.product.sku} is ${availability ?? 'missing'}): npm run stack:bootstrap -- --flash-sale`);
  return { token, orderIds, startedAtMs: Date.now(), flashStockBefore: FLASH_SALE.stock };
}

function headers(token: string) {
  return { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
}

/** Follows an order until it is decided (or its allowance ends) and records accepted → decided. */
function follow(orderId: string, token: string) {
  const deadline = Date.now() + thresholds.decisionAllowanceMs;
  while (Date.now() < deadline) {
    sleep(0.2);
    const res = http.get(`${API_URL}/v1/orders/${orderId}`, { headers: headers(token), tags: { name: 'GET /v1/orders/{id} (follow)' } });
    if (res.status !== 200) continue;
    const latency = endToEndMs(res.json() as unknown as OrderTimes);
    if (latency !== undefined) {
      e2eLatency.add(latency);
      orderDecided.add(latency <= thresholds.decisionAllowanceMs);
      return;
    }
  }
  orderDecided.add(false);
}

interface ListedOrder extends OrderTimes {
  orderId: string;
  items: Array<{ sku: string }>;
}

type ListedOutcome = OrderOutcome & { flash: boolean; confirmed: boolean };

/** The load-test user's orders accepted since `sinceMs`, newest first (the gate's user orders nothing else). */
function ordersSince(token: string, sinceMs: number, limit: number): ListedOutcome[] {
  const outcomes: ListedOutcome[] = [];
  let cursor = '';
  while (outcomes.length < limit) {
    const res = http.get(`${API_URL}/v1/orders?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers: headers(token),
      tags: { name: 'GET /v1/orders (drain)' },
    });
    if (res.status !== 200) break;
    const page = res.json() as unknown as { items: ListedOrder[]; nextCursor?: string };
    for (const order of page.items) {
      const createdAtMs = Date.parse(order.createdAt);
      if (createdAtMs < sinceMs) return outcomes;
      const e2e = endToEndMs(order);
      const flash = order.items.some((item) => item.sku === FLASH_SALE.product.sku);
      const confirmed = order.status === 'CONFIRMED';
      outcomes.push({ orderId: order.orderId, createdAtMs, flash, confirmed, ...(e2e !== undefined ? { decidedAtMs: createdAtMs + e2e } : {}) });
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return outcomes;
}

/**
 * The drain: after the load, every order the run created (all the scenario can send, at least 2,000, newest
 * first) must be decided within the stack's drain allowance; then the steady part's decision rate must keep
 * up with its arrival rate.
 */
export function teardown(data: SetupData) {
  const loadEndMs = Date.now();
  const deadline = loadEndMs + thresholds.drainAllowanceMs;
  const limit = Math.max(2000, Math.ceil(expectedRequests(config.scenarios[SCENARIO]!) * 1.1));
  let outcomes = ordersSince(data.token, data.startedAtMs, limit);
  while (outcomes.some((o) => o.decidedAtMs === undefined) && Date.now() < deadline) {
    sleep(1);
    outcomes = ordersSince(data.token, data.startedAtMs, limit);
  }
  const undecided = outcomes.filter((o) => o.decidedAtMs === undefined);
  undecidedAfterDrain.add(undecided.length);
  for (const o of undecided.slice(0, 20)) console.warn(`undecided after the drain: ${o.orderId} (accepted ${new Date(o.createdAtMs).toISOString()})`);
  for (const o of decidedInTime(outcomes, thresholds.decisionAllowanceMs).late) if (o.decidedAtMs !== undefined) orderDecided.add(false);
  const steady = throughput(outcomes, steadyWindow(data.startedAtMs, loadEndMs));
  throughputRatio.add(outcomes.length === 0 ? 0 : steady.ratio);
  decisionsPerSecond.add(steady.decisionsPerSecond);
  if (data.flashStockBefore !== undefined) {
    // Each flash order asks for one unit: the confirmed ones took what left the shelf.
    const flash = outcomes.filter((o) => o.flash);
    const expected = expectedFlashStock(data.flashStockBefore, flash.length);
    const after = data.flashStockBefore - flash.filter((o) => o.confirmed).length;
    if (after !== expected) console.warn(`flash sale: the orders left ${after} units of ${FLASH_SALE.product.sku}, expected ${expected}`);
    const availability = flashAvailability(data.token);
    const availabilityAgrees = (availability === 'OUT_OF_STOCK') === (expected === 0);
    if (!availabilityAgrees) console.warn(`flash sale: ${FLASH_SALE.product.sku} is ${availability ?? 'missing'} with ${expected} units expected left`);
    flashStockMismatch.add(Math.abs(after - expected) + (availabilityAgrees ? 0 : 1));
  }
}

export function traffic(data: SetupData) {
  const scenario = config.scenarios[SCENARIO]!;
  const operation = pickOperation(scenario.mix, Math.random());
  if (operation === 'create' || operation === 'flash') {
    const res = http.post(`${API_URL}/v1/orders`, createBody(operation, Math.random()), { headers: headers(data.token), tags: { name: 'POST /v1/orders' } });
    check(res, { 'order accepted (202)': (r) => r.status === 202 });
    if (res.status === 202) ordersCreated.add(1);
    if (res.status === 202 && Math.random() < 1 / FOLLOW_EVERY) follow(res.json('orderId') as string, data.token);
  } else if (operation === 'get') {
    const id = data.orderIds[Math.floor(Math.random() * data.orderIds.length)];
    const res = http.get(`${API_URL}/v1/orders/${id}`, { headers: headers(data.token), tags: { name: 'GET /v1/orders/{id}' } });
    check(res, { 'order read (200)': (r) => r.status === 200 });
  } else {
    const res = http.get(`${API_URL}/v1/orders?limit=20`, { headers: headers(data.token), tags: { name: 'GET /v1/orders' } });
    check(res, { 'orders listed (200)': (r) => r.status === 200 });
  }
}

type Summary = {
  metrics: Record<string, { values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>;
  state?: { testRunDurationMs?: number };
};

/** The figures of this run in the baseline's terms (lib/baseline.ts), from k6's summary. */
function gateRun(data: Summary) {
  const value = (metric: string, stat: string) => data.metrics[metric]?.values[stat];
  return {
    scenario: SCENARIO,
    stack: STACK,
    recordedAt: new Date().toISOString(),
    endedAtMs: Date.now(),
    durationMs: data.state?.testRunDurationMs,
    httpP95Ms: value('http_req_duration', 'p(95)'),
    httpP99Ms: value('http_req_duration', 'p(99)'),
    e2eP95Ms: value('order_e2e_latency', 'p(95)'),
    e2eP99Ms: value('order_e2e_latency', 'p(99)'),
    errorRate: value('http_req_failed', 'rate'),
    decisionThroughput: value('decision_throughput_ratio', 'value'),
    decisionsPerSecond: value('decisions_per_second', 'value'),
    ordersCreated: value('orders_created', 'count') ?? 0,
    // Where this runner stands (unset: unknown). The verdict compares HTTP latency only between runs from one place.
    runnerLocation: __ENV.RUNNER_LOCATION || undefined,
  };
}

export function handleSummary(data: Summary) {
  const results = k6ThresholdResults(data);
  const lines = results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.metric} ${r.threshold} (was ${Math.round(r.value * 1000) / 1000})`);
  return {
    'loadtest/results/summary.json': JSON.stringify(data, null, 2),
    // What `npm run gate:verdict` compares with the baseline (and prices), beside k6's own summary.
    'loadtest/results/run.json': JSON.stringify(gateRun(data)),
    'loadtest/results/junit.xml': junitXml(`k6 ${SCENARIO} on ${STACK}`, results),
    stdout: `\nk6 ${SCENARIO} on ${STACK}\n${lines.join('\n')}\n`,
  };
}
