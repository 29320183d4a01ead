import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import pino from 'pino';
import { findUserPool, signIn } from '../../local/cognito';
import { freePort } from '../../local/process';
import { localSettings } from '../../local/settings';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { DEMO_PASSWORD } from '../../core/userpool';
import { endToEndMs, orderBody, pickOperation, rateSteps, type LoadConfig, type OrderTimes } from '../lib/config';
import { evaluateThresholds } from '../lib/stats';
import { htmlReport, summarise, type LoadReport, type Sample } from './report';

const ROOT = path.resolve(__dirname, '../..');
const CONFIG = JSON.parse(readFileSync(path.join(ROOT, 'loadtest/scenarios.json'), 'utf8')) as LoadConfig;

interface Args {
  scenario: string;
  stack: string;
  url?: string;
  out: string;
}

function parseArgs(argv: readonly string[]): Args {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const scenario = value('--scenario') ?? 'smoke';
  if (!CONFIG.scenarios[scenario]) throw new Error(`unknown scenario '${scenario}'; have: ${Object.keys(CONFIG.scenarios).join(', ')}`);
  return { scenario, stack: value('--stack') ?? 'local', url: value('--url'), out: value('--out') ?? path.join(ROOT, 'loadtest/results') };
}

async function reachable(url: string) {
  try {
    return (await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/** The stack `npm start` runs (same PORT settings), or a fresh in-memory one on free ports. */
async function targetStack(args: Args): Promise<{ url: string; tokens: string[]; stop(): Promise<void> }> {
  const settings = localSettings();
  const url = args.url ?? `http://localhost:${settings.apiPort}`;
  if (await reachable(url)) {
    const cognito = `http://127.0.0.1:${settings.cognitoPort}`;
    const pool = await findUserPool(cognito);
    if (!pool) throw new Error(`${url} answers but no local Cognito pool was found at ${cognito}`);
    const tokens = await Promise.all(['alice@example.com', 'bob@example.com'].map((u) => signIn(cognito, pool.clientId, u, DEMO_PASSWORD)));
    console.log(`Using the running stack at ${url}`);
    return { url, tokens: tokens.map((t) => t.accessToken), stop: async () => undefined };
  }
  console.log(`No stack at ${url}: starting one in memory…`);
  const stack: LocalStack = await startLocalStack(
    { ...settings, apiPort: await freePort(), dynamoPort: await freePort(), cognitoPort: await freePort(), dataDir: undefined },
    pino({ level: 'silent' }),
  );
  const tokens = await Promise.all(['alice@example.com', 'bob@example.com'].map((u) => signIn(stack.cognito.endpoint, stack.pool.clientId, u, DEMO_PASSWORD)));
  return { url: stack.apiUrl, tokens: tokens.map((t) => t.accessToken), stop: () => stack.stop() };
}

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const args = parseArgs(process.argv.slice(2));
  const scenario = CONFIG.scenarios[args.scenario]!;
  const thresholds = CONFIG.thresholds[args.stack];
  if (!thresholds) throw new Error(`no thresholds for stack '${args.stack}'`);
  const target = await targetStack(args);
  try {
    const auth = (i: number) => `Bearer ${target.tokens[i % target.tokens.length]}`; // one customer: it reads its own orders
    // A few orders to read, as k6's setup() does.
    const seeded: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${target.url}/v1/orders`, { method: 'POST', headers: { Authorization: auth(0), 'Content-Type': 'application/json' }, body: orderBody(i / 5) });
      seeded.push(((await res.json()) as { orderId: string }).orderId);
    }

    const samples: Sample[] = [];
    const created: string[] = [];
    const started = Date.now();
    console.log(`${args.scenario}: ${scenario.description}`);
    for (const [index, step] of rateSteps(scenario).entries()) {
      console.log(`  step ${index + 1}: ${step.rate} req/s for ${step.durationMs / 1000} s`);
      let n = 0;
      // Progress: autocannon's bar on a terminal, a line a second otherwise (CI logs).
      const ticker = process.stdout.isTTY
        ? undefined
        : setInterval(() => console.log(`    ${Math.round((Date.now() - started) / 1000)} s: ${samples.length} responses, ${created.length} orders accepted`), 1000);
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
                    const headers = { Authorization: auth(0), 'Content-Type': 'application/json' };
                    if (operation === 'create') return { ...req, method: 'POST', path: '/v1/orders', headers, body: orderBody(Math.random()) };
                    if (operation === 'get') return { ...req, method: 'GET', path: `/v1/orders/${seeded[n % seeded.length]}`, headers };
                    return { ...req, method: 'GET', path: '/v1/orders?limit=20', headers };
                  },
                  onResponse: (status: number, body: string) => {
                    if (status === 202) created.push((JSON.parse(body) as { orderId: string }).orderId);
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
    const durationMs = Date.now() - started;

    // End-to-end latency from the orders' own timestamps, once the processor has decided them.
    const deadline = Date.now() + 30_000;
    const e2e = new Map<string, number>();
    while (e2e.size < created.length && Date.now() < deadline) {
      const pending = created.filter((id) => !e2e.has(id));
      for (let i = 0; i < pending.length; i += 20) {
        await Promise.all(
          pending.slice(i, i + 20).map(async (id) => {
            const res = await fetch(`${target.url}/v1/orders/${id}`, { headers: { Authorization: auth(0) } });
            if (res.status !== 200) return;
            const ms = endToEndMs((await res.json()) as OrderTimes);
            if (ms !== undefined) e2e.set(id, ms);
          }),
        );
      }
      if (e2e.size < created.length) await new Promise((r) => setTimeout(r, 250));
    }
    const e2eValues = [...e2e.values()];
    const failed = samples.filter((s) => s.status === 0 || s.status >= 400).length;
    const results = evaluateThresholds({ requests: samples.length, failed, latenciesMs: samples.map((s) => s.ms), e2eMs: e2eValues }, thresholds);
    const report: LoadReport = {
      scenario: args.scenario,
      stack: args.stack,
      url: target.url,
      startedAt: new Date(started).toISOString(),
      durationMs,
      requests: samples.length,
      failed,
      throughputPerSecond: samples.length / (durationMs / 1000),
      latencyMs: summarise(samples.map((s) => s.ms)),
      e2eMs: { ...summarise(e2eValues), orders: e2eValues.length, undecided: created.length - e2eValues.length },
      thresholds: results,
      passed: results.every((r) => r.ok),
    };
    mkdirSync(args.out, { recursive: true });
    const base = path.join(args.out, `${args.scenario}-${report.startedAt.replace(/[:.]/g, '-')}`);
    writeFileSync(`${base}.json`, JSON.stringify({ ...report, samples }, null, 2));
    writeFileSync(`${base}.html`, htmlReport(report, samples, e2eValues));
    console.log(`\n${report.requests} requests, ${report.failed} failed, ${report.throughputPerSecond.toFixed(1)} req/s`);
    for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.metric} ${r.threshold} (was ${Number.isFinite(r.value) ? Math.round(r.value * 1000) / 1000 : 'no data'})`);
    console.log(`Report: ${base}.html\n${report.passed ? 'PASSED' : 'FAILED'}`);
    process.exitCode = report.passed ? 0 : 1;
  } finally {
    await target.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
