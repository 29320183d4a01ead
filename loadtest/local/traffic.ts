import autocannon from 'autocannon';
import { FLASH_SALE } from '../lib/catalog';
import { createBody, endToEndMs, orderBody, pickOperation, rateSteps, type OrderTimes, type ScenarioDefinition } from '../lib/config';
import type { OrderOutcome } from '../lib/pipeline';
import { drain } from './drain';
import type { Sample } from './report';

/** What the scenario sent and what came back, as it happened. */
export interface Traffic {
  /** When the load started and ended (ms since the epoch). */
  started: number;
  loadEnded: number;
  samples: Sample[];
  /** Every accepted order; the drain fills in when each was decided. */
  created: OrderOutcome[];
  /** Accepted orders for the flash-sale product. */
  flashOrders: number;
}

/** One customer (the load-test user): it reads its own orders. */
export const bearer = (token: string) => `Bearer ${token}`;

/** A few orders to read, as k6's setup() does. */
export async function seedOrders(url: string, auth: string): Promise<string[]> {
  const seeded: string[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${url}/v1/orders`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: orderBody(i / 5),
    });
    if (res.status === 202) seeded.push(((await res.json()) as { orderId: string }).orderId);
  }
  if (seeded.length === 0) throw new Error('no seed order was accepted: is the gate catalog there? (npm run stack:bootstrap)');
  return seeded;
}

/** What one request of the scenario's mix is, and what its answer adds to the traffic. */
function requestOf(scenario: ScenarioDefinition, auth: string, seeded: readonly string[], traffic: Traffic): autocannon.Request {
  let n = 0;
  return {
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
      traffic.created.push({ orderId: order.orderId, createdAtMs: Date.parse(order.createdAt) });
      if (order.items.some((item) => item.sku === FLASH_SALE.product.sku)) traffic.flashOrders++;
    },
  };
}

/** One constant-rate step through autocannon, every response a sample. */
async function runStep(
  url: string,
  step: { rate: number; durationMs: number },
  scenario: ScenarioDefinition,
  request: autocannon.Request,
  traffic: Traffic,
): Promise<void> {
  const { samples, created, started } = traffic;
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
          url,
          connections: Math.min(scenario.maxVUs, Math.max(10, step.rate)),
          overallRate: step.rate,
          duration: step.durationMs / 1000,
          timeout: 10,
          requests: [request],
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

/** The scenario's steps, one after the other, against `url` with the seeded orders to read. */
export async function sendScenario(url: string, auth: string, name: string, scenario: ScenarioDefinition, seeded: readonly string[]): Promise<Traffic> {
  const traffic: Traffic = { started: Date.now(), loadEnded: 0, samples: [], created: [], flashOrders: 0 };
  console.log(`${name}: ${scenario.description}`);
  for (const [index, step] of rateSteps(scenario).entries()) {
    console.log(`  step ${index + 1}: ${step.rate} req/s for ${step.durationMs / 1000} s`);
    await runStep(url, step, scenario, requestOf(scenario, auth, seeded, traffic), traffic);
  }
  traffic.loadEnded = Date.now();
  return traffic;
}

/** The drain: every order the run created must be decided within the stack's allowance. */
export async function awaitDecisions(url: string, auth: string, created: OrderOutcome[], allowanceMs: number): Promise<void> {
  console.log(`  drain: waiting up to ${allowanceMs / 1000} s for ${created.length} orders to be decided`);
  await drain(created, allowanceMs, async (orderId) => {
    const res = await fetch(`${url}/v1/orders/${orderId}`, { headers: { Authorization: auth } });
    if (res.status !== 200) return undefined;
    const order = (await res.json()) as OrderTimes;
    const ms = endToEndMs(order);
    return ms === undefined ? undefined : Date.parse(order.createdAt) + ms;
  });
}
