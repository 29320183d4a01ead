import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { compareWithBaseline, type Baseline } from '../../loadtest/lib/baseline';
import { orderCost, type OrderCost } from '../../loadtest/lib/cost';
import { junitXml, k6ThresholdResults } from '../../loadtest/lib/stats';
import { baselinePath, readBaseline, writeBaseline } from '../../loadtest/local/baselineFile';
import { readLoadConfig } from '../../loadtest/local/loadConfig';
import { unitPrices } from '../../loadtest/local/prices';
import { flag, readJson, requireFlag, run, stackFlag } from './cli';
import { readRelease } from '../release/manifest';
import { VERDICT_FILE } from '../release/promoted';
import { readConsumption } from './cloudwatchUsage';
import { readStackOutputs } from './stackOutputs';

/** What loadtest/k6/orders.ts's handleSummary writes to run.json. */
interface GateRun {
  scenario: string;
  stack: string;
  recordedAt: string;
  endedAtMs: number;
  durationMs: number;
  httpP95Ms: number;
  httpP99Ms: number;
  e2eP95Ms: number;
  e2eP99Ms: number;
  errorRate: number;
  decisionThroughput: number;
  ordersCreated: number;
  /** RUNNER_LOCATION as k6 saw it; absent when the workflow does not know where its runner stands. */
  runnerLocation?: string;
}

/**
 * `npm run gate:verdict -- --stack <s> --outputs <file> --release <manifest> [--results loadtest/results]`, after a
 * green k6 run, for the release the stack runs (its outputs must name the manifest's artifacts): the
 * cost per order from CloudWatch over the run's window, the comparison with the last green baseline
 * (`<results>/baseline.json`, fetched by `npm run gate:baseline`), JUnit with one case per threshold and per
 * comparison, and, when nothing regressed, this run's figures as the next baseline. Exits 1 on a regression.
 */
run(async () => {
  const argv = process.argv.slice(2);
  const stack = stackFlag(argv);
  const outputs = readStackOutputs(requireFlag(argv, 'outputs'));
  const release = readRelease(requireFlag(argv, 'release'));
  if (outputs.apiImage !== release.apiImage || outputs.processorBundle !== release.processorBundle) {
    throw new Error(
      `${stack} runs ${outputs.apiImage ?? 'no recorded image'} (bundle ${outputs.processorBundle ?? 'unknown'}), not the release under judgement: ${release.apiImage} (bundle ${release.processorBundle})`,
    );
  }
  const dir = flag(argv, 'results') ?? 'loadtest/results';
  const gate = readJson(path.join(dir, 'run.json')) as GateRun;
  const thresholds = k6ThresholdResults(readJson(path.join(dir, 'summary.json')) as Parameters<typeof k6ThresholdResults>[0]);

  let cost: OrderCost | undefined;
  if (outputs.usage) {
    // CloudWatch publishes a minute's data a few minutes late; whole minutes around the run, the last one after it.
    const settleMs = Number(process.env.GATE_COST_SETTLE_SECONDS ?? 180) * 1000;
    const wait = gate.endedAtMs + settleMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const minute = 60_000;
    const window = { startMs: Math.floor((gate.endedAtMs - gate.durationMs) / minute) * minute, endMs: Math.ceil(gate.endedAtMs / minute) * minute + minute };
    const cloudwatch = new CloudWatchClient({ region: outputs.region });
    try {
      cost = orderCost(await readConsumption(cloudwatch, outputs.usage, window), unitPrices(outputs.region), gate.ordersCreated);
    } finally {
      cloudwatch.destroy();
    }
  }

  const current: Baseline = {
    scenario: gate.scenario,
    stack,
    recordedAt: gate.recordedAt,
    httpP95Ms: gate.httpP95Ms,
    httpP99Ms: gate.httpP99Ms,
    e2eP95Ms: gate.e2eP95Ms,
    e2eP99Ms: gate.e2eP99Ms,
    decisionThroughput: gate.decisionThroughput,
    errorRate: gate.errorRate,
    ...(cost && Number.isFinite(cost.perMillionOrdersUsd) ? { costPerMillionUsd: cost.perMillionOrdersUsd } : {}),
    ...(gate.runnerLocation ? { runnerLocation: gate.runnerLocation } : {}),
  };
  const baseline = readBaseline(path.join(dir, 'baseline.json'));
  const comparisons = baseline ? compareWithBaseline(current, baseline, readLoadConfig().regression) : [];
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'junit.xml'), junitXml(`k6 ${gate.scenario} on ${stack}`, thresholds, comparisons));
  if (cost)
    console.log(
      `cost: ${cost.perMillionOrdersUsd.toFixed(2)} USD per million orders (${gate.ordersCreated} orders)${cost.missing.length ? `; not included: ${cost.missing.join('; ')}` : ''}`,
    );
  else console.log('cost: not measured (the stack exports no `usage`)');
  if (!baseline) console.log(`no baseline: this first run of ${gate.scenario} on ${stack} is judged on the absolute thresholds alone`);
  for (const c of comparisons) console.log(`${!c.ok ? 'FAIL' : c.compared ? 'ok  ' : 'skip'} baseline ${c.figure}: ${c.note}`);
  const passed = thresholds.every((t) => t.ok) && comparisons.every((c) => c.ok);
  // The verdict names what it judged: promotion to the next stack takes exactly this release, or nothing.
  writeFileSync(
    path.join(dir, VERDICT_FILE),
    `${JSON.stringify({ stack, passed, release, current, baseline: baseline ?? null, comparisons, cost: cost ?? null, thresholds }, null, 2)}\n`,
  );
  if (!passed) throw new Error(`${stack}: the ${gate.scenario} gate regressed against its baseline (${path.join(dir, 'junit.xml')})`);
  const next = baselinePath(dir, stack, gate.scenario);
  writeBaseline(next, current);
  console.log(`${stack}: gate passed; next baseline ${next}`);
});
