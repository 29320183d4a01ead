import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { orderProcessorMapping } from '../../core/eventSourceMapping';
import { LOCAL_AWS } from '../../local/dynamodb';
import { StreamPoller } from '../../local/poller/poller';
import { PollerState } from '../../local/poller/state';
import { freePort } from '../../local/process';
import { localProcessor } from '../../local/processor';
import { localSettings } from '../../local/settings';
import { startLocalStack, type LocalStack } from '../../local/stack';
import type { Baseline } from '../../loadtest/lib/baseline';
import { npmRun } from '../support/processes';
import { waitForSettledOrders } from '../support/waitForSettledOrders';
import { takeLoadTurn } from '../support/loadTurns';

takeLoadTurn();

/**
 * The gate scenario (shortened to 8 s) through `npm run loadtest` against a running local stack, as on
 * `npm start`: healthy it passes and records a baseline, and the next run is compared with it; it fails against a
 * baseline doctored to be twice as good, with the poller stopped, and with a processor slower than the arrivals.
 * Runs are judged by the `rehearsal` thresholds (latency bounds only against a hang: this machine runs other
 * tests meanwhile), so every verdict asserted here is about the pipeline, not about speed.
 */
let stack: LocalStack;
let scratch: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  const settings = {
    ...localSettings({}),
    apiPort: await freePort(),
    dynamoPort: await freePort(),
    cognitoPort: await freePort(),
    tableName: 'orders-gate-test',
  };
  stack = await startLocalStack(settings, pino({ level: 'silent' }));
  scratch = mkdtempSync(path.join(os.tmpdir(), 'gate-'));
  env = {
    ...process.env,
    PORT: String(settings.apiPort),
    DYNAMODB_PORT: String(settings.dynamoPort),
    COGNITO_PORT: String(settings.cognitoPort),
    TABLE_NAME: settings.tableName,
  };
}, 90_000);
afterAll(async () => {
  await stack?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});
// Every test starts with the stack's own poller running and nothing left from an earlier run to decide; the tests
// that need the poller stopped stop it themselves.
beforeEach(async () => {
  stack.poller.start();
  await waitForSettledOrders(stack.db, stack.tableName, 90_000);
}, 120_000);

interface Report {
  passed: boolean;
  thresholds: Array<{ metric: string; ok: boolean; value: number }>;
  comparisons: Array<{ figure: string; ok: boolean }>;
  baseline: string;
  undecided: string[];
  cost?: { perMillionOrdersUsd: number };
  current: Baseline;
}

interface GateRun {
  code: number;
  output: string;
  report: Report;
}

/** A directory of its own for a test's runs: no baseline in it until a passing run there records one. */
const freshOut = () => mkdtempSync(path.join(scratch, 'out-'));
const baselineIn = (out: string) => path.join(out, 'baseline-local-gate.json');

async function gate(out: string, ...extra: string[]): Promise<GateRun> {
  const before = new Set(readdirSync(out));
  const run = await npmRun('loadtest', ['--scenario', 'gate', '--duration', '8s', '--thresholds', 'rehearsal', '--out', out, ...extra], env);
  const file = readdirSync(out).find((f) => !before.has(f) && f.startsWith('gate-') && f.endsWith('.json'))!;
  return { ...run, report: JSON.parse(readFileSync(path.join(out, file), 'utf8')) as Report };
}

let firstHealthy: Promise<{ out: string; run: GateRun; recorded?: Baseline }> | undefined;
/**
 * The first healthy run, in a fresh directory, and the baseline it recorded as read right after it: run once, by
 * whichever test needs it first, so each test passes alone and none depends on another having run.
 */
const healthyRun = () =>
  (firstHealthy ??= (async () => {
    const out = freshOut();
    const run = await gate(out);
    const recorded = existsSync(baselineIn(out)) ? (JSON.parse(readFileSync(baselineIn(out), 'utf8')) as Baseline) : undefined;
    return { out, run, recorded };
  })());
const failing = (report: Report) => [
  ...report.thresholds.filter((t) => !t.ok).map((t) => t.metric),
  ...report.comparisons.filter((c) => !c.ok).map((c) => `baseline ${c.figure}`),
];

describe('the gate on a running local stack', () => {
  it('passes healthy, records a baseline, and compares the next run with it', async () => {
    const { out, run: first, recorded } = await healthyRun();
    expect({ code: first.code, failing: failing(first.report) }).toEqual({ code: 0, failing: [] });
    expect(first.report.baseline).toMatch(/No baseline at .*baseline-local-gate\.json: this first run is judged on the absolute thresholds alone/);
    expect(first.report.cost!.perMillionOrdersUsd).toBeGreaterThan(0);
    expect(recorded).toMatchObject({ scenario: 'gate', stack: 'local', errorRate: 0, decisionThroughput: expect.any(Number) });

    const second = await gate(out);
    expect(second.report.baseline).toContain(`Compared with the run of ${recorded!.recordedAt}`);
    expect(second.report.comparisons.map((c) => c.figure).sort()).toEqual([
      'costPerMillionUsd',
      'decisionThroughput',
      'e2eP95Ms',
      'e2eP99Ms',
      'errorRate',
      'httpP95Ms',
      'httpP99Ms',
    ]);
    // Only the error rate is independent of this machine's speed (other test files run meanwhile); whether the
    // timed figures hold is `npm run bench`'s and bench/RESULTS.md's business, not a pass/fail test's.
    expect(second.report.comparisons.find((c) => c.figure === 'errorRate')!.ok).toBe(true);
  }, 120_000);

  it('fails against a baseline doctored to be twice as good', async () => {
    const { recorded: real } = await healthyRun();
    if (!real) throw new Error('the healthy run recorded no baseline to doctor');
    const doctored: Baseline = {
      ...real,
      httpP95Ms: real.httpP95Ms / 2,
      httpP99Ms: real.httpP99Ms / 2,
      e2eP95Ms: real.e2eP95Ms / 2,
      e2eP99Ms: real.e2eP99Ms / 2,
      decisionThroughput: real.decisionThroughput * 2,
      costPerMillionUsd: real.costPerMillionUsd! / 2,
    };
    const out = freshOut();
    const file = path.join(out, 'doctored.json');
    writeFileSync(file, JSON.stringify(doctored));
    const run = await gate(out, '--baseline', file);
    expect(run.code).toBe(1);
    expect(failing(run.report)).toEqual(expect.arrayContaining(['baseline decisionThroughput', 'baseline costPerMillionUsd']));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(doctored); // a failed run never becomes the baseline
  }, 120_000);

  it('fails with the processor slower than the arrivals, although orders keep being decided', async () => {
    await stack.poller.stop();
    // The same processor behind another poller on the same stream, taking 250 ms per record (at most 4 orders/s).
    const real = localProcessor({ db: stack.db, tableName: stack.tableName, logLevel: 'SILENT' });
    const streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: stack.dynamo.endpoint });
    const slow = new StreamPoller({
      streams,
      streamArn: stack.streamArn,
      handler: async (event, context) => {
        await new Promise((r) => setTimeout(r, 250 * event.Records.length));
        return real(event, context);
      },
      settings: orderProcessorMapping,
      state: new PollerState(stack.pollerState.db, stack.pollerState.tableName),
      logger: pino({ level: 'silent' }),
    });
    slow.start();
    try {
      const run = await gate(freshOut(), '--thresholds', 'local');
      expect(run.code).toBe(1);
      expect(failing(run.report)).toContain('decision_throughput');
      expect(run.report.thresholds.find((t) => t.metric === 'decision_throughput')!.value).toBeLessThan(0.5);
    } finally {
      await slow.stop();
      streams.destroy();
    }
  }, 120_000);

  it('fails with the poller stopped, listing the undecided orders', async () => {
    await stack.poller.stop();
    const run = await gate(freshOut(), '--thresholds', 'local');
    expect(run.code).toBe(1);
    expect(failing(run.report)).toEqual(expect.arrayContaining(['order_decided', 'decision_throughput']));
    expect(run.report.thresholds.find((t) => t.metric === 'order_decided')!.value).toBe(0);
    expect(run.report.undecided.length).toBeGreaterThan(10);
    expect(run.output).toContain('undecided after the drain');
  }, 120_000);
});
