/**
 * The k6 promotion gate: `k6 run loadtest/k6/orders.ts` with STACK, SCENARIO, API_URL, USER_POOL_CLIENT_ID,
 * AWS_REGION (written by `npm run gate:env`) and LOADTEST_USERNAME / LOADTEST_PASSWORD in the environment (k6
 * copies it into __ENV; secrets never go on a command line). A failed threshold makes k6 exit 99, which fails
 * the CI job. Scenarios and thresholds come from loadtest/scenarios.json, the file the local runner reads.
 */
import { check, fail, sleep } from 'k6';
import http from 'k6/http';
import { Trend } from 'k6/metrics';
import { endToEndMs, k6Options, orderBody, pickOperation, type LoadConfig, type OrderTimes } from '../lib/config.ts';
import { junitXml, k6ThresholdResults } from '../lib/stats.ts';
import { accessTokenOf, cognitoEndpoint, signInRequest } from '../lib/signIn.ts';

const config = JSON.parse(open('../scenarios.json')) as LoadConfig;
const STACK = __ENV.STACK || 'development';
const SCENARIO = __ENV.SCENARIO || 'gate';
const API_URL = (__ENV.API_URL || '').replace(/\/$/, '');
/** One created order in this many is followed until decided, for the end-to-end latency. */
const FOLLOW_EVERY = Number(__ENV.FOLLOW_EVERY || 10);

export const options = k6Options(config, SCENARIO, STACK);

const e2eLatency = new Trend('order_e2e_latency', true);

interface SetupData {
  token: string;
  orderIds: string[];
}

/**
 * Signs the load-test user in (USER_PASSWORD_AUTH on the stack's pool, the request in lib/signIn.ts) and seeds
 * a few orders to read. The user and the gate's products exist once `npm run stack:bootstrap` has run.
 */
export function setup(): SetupData {
  if (!API_URL) fail('set API_URL (pulumi stack output apiUrl)');
  const request = signInRequest(cognitoEndpoint(__ENV.AWS_REGION || '', __ENV.COGNITO_ENDPOINT), __ENV.USER_POOL_CLIENT_ID || '', __ENV.LOADTEST_USERNAME || '', __ENV.LOADTEST_PASSWORD || '');
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
  return { token, orderIds };
}

function headers(token: string) {
  return { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
}

/** Follows an order until it is decided and records accepted → decided from its own timestamps. */
function follow(orderId: string, token: string) {
  for (let i = 0; i < 50; i++) {
    sleep(0.2);
    const res = http.get(`${API_URL}/v1/orders/${orderId}`, { headers: headers(token), tags: { name: 'GET /v1/orders/{id} (follow)' } });
    if (res.status !== 200) return;
    const latency = endToEndMs(res.json() as unknown as OrderTimes);
    if (latency !== undefined) {
      e2eLatency.add(latency);
      return;
    }
  }
}

export function traffic(data: SetupData) {
  const scenario = config.scenarios[SCENARIO]!;
  const operation = pickOperation(scenario.mix, Math.random());
  if (operation === 'create') {
    const res = http.post(`${API_URL}/v1/orders`, orderBody(Math.random()), { headers: headers(data.token), tags: { name: 'POST /v1/orders' } });
    check(res, { 'order accepted (202)': (r) => r.status === 202 });
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

export function handleSummary(data: { metrics: Record<string, { values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }> }) {
  const results = k6ThresholdResults(data);
  const lines = results.map((r) => `${r.ok ? 'ok  ' : 'FAIL'} ${r.metric} ${r.threshold} (was ${Math.round(r.value * 1000) / 1000})`);
  return {
    'loadtest/results/summary.json': JSON.stringify(data, null, 2),
    'loadtest/results/junit.xml': junitXml(`k6 ${SCENARIO} on ${STACK}`, results),
    stdout: `\nk6 ${SCENARIO} on ${STACK}\n${lines.join('\n')}\n`,
  };
}
