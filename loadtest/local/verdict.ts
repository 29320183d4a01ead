import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CapacityTally } from '../../local/capacity';
import { compareWithBaseline, type Baseline, type Tolerances } from '../lib/baseline';
import { expectedFlashStock, type Thresholds } from '../lib/config';
import { orderCost, type OrderCost } from '../lib/cost';
import { pipelineVerdicts, steadyWindow, throughput, type Throughput } from '../lib/pipeline';
import { evaluateThresholds, junitXml, percentile, type ThresholdResult } from '../lib/stats';
import type { Args } from './args';
import { baselinePath, readBaseline, writeBaseline } from './baselineFile';
import { unitPrices } from './prices';
import { htmlReport, summarise, type LoadReport } from './report';
import type { Traffic } from './traffic';

/** A flash-sale run: the product's stock before and after, and how many orders asked for it. */
export type FlashSaleResult = NonNullable<LoadReport['flashSale']>;

/** The run judged: the report, the figures a later run is compared with, and where they are kept. */
export interface Verdict {
  report: LoadReport;
  current: Baseline;
  baselineFile: string;
  steady: Throughput;
}

/** The absolute thresholds, the pipeline's own (every order decided, decisions keeping up) and the flash sale's. */
function thresholdResults(traffic: Traffic, thresholds: Thresholds, flashSale: FlashSaleResult | undefined) {
  const { samples, created, started, loadEnded } = traffic;
  const e2eValues = created.filter((o) => o.decidedAtMs !== undefined).map((o) => o.decidedAtMs! - o.createdAtMs);
  const failed = samples.filter((s) => s.status === 0 || s.status >= 400).length;
  const steady = throughput(created, steadyWindow(started, loadEnded));
  const results: ThresholdResult[] = [
    ...evaluateThresholds({ requests: samples.length, failed, latenciesMs: samples.map((s) => s.ms), e2eMs: e2eValues }, thresholds),
    ...pipelineVerdicts(created, { startMs: started, endMs: loadEnded }, thresholds),
  ];
  // A flash sale sells exactly what the orders could take: no overselling, no order rejected while stock was left.
  if (flashSale) {
    const mismatch = Math.abs(flashSale.stockAfter - expectedFlashStock(flashSale.stockBefore, flashSale.orders));
    results.push({ metric: 'flash_sale_stock_mismatch', threshold: 'count<1', value: mismatch, ok: mismatch < 1 });
  }
  return { results, e2eValues, failed, steady };
}

/** Cost: locally DynamoDB's request units only (what the API and the processor consumed during the run). */
function runCost(before: CapacityTally | undefined, after: CapacityTally | undefined, region: string, orders: number): OrderCost | undefined {
  if (!before || !after) return undefined;
  return orderCost({ writeRequestUnits: after.write - before.write, readRequestUnits: after.read - before.read }, unitPrices(region), orders);
}

/** The figures this run leaves for the next one to be compared with. */
function currentFigures(args: Args, traffic: Traffic, judged: ReturnType<typeof thresholdResults>, cost: OrderCost | undefined): Baseline {
  const latencies = traffic.samples.map((s) => s.ms);
  const { e2eValues, failed, steady } = judged;
  return {
    scenario: args.scenario,
    stack: args.stack,
    recordedAt: new Date(traffic.started).toISOString(),
    httpP95Ms: percentile(latencies, 95),
    httpP99Ms: percentile(latencies, 99),
    e2eP95Ms: percentile(e2eValues, 95),
    e2eP99Ms: percentile(e2eValues, 99),
    decisionThroughput: steady.ratio,
    errorRate: traffic.samples.length ? failed / traffic.samples.length : 1,
    ...(cost && Number.isFinite(cost.perMillionOrdersUsd) ? { costPerMillionUsd: cost.perMillionOrdersUsd } : {}),
    // HTTP latency is compared only between runs from one place (lib/baseline.ts): k6's variable, or this machine.
    runnerLocation: process.env.RUNNER_LOCATION || `${os.hostname()} (local runner)`,
  };
}

export interface Judging {
  args: Args;
  url: string;
  traffic: Traffic;
  thresholds: Thresholds;
  regression: Tolerances;
  capacity: { before: CapacityTally | undefined; after: CapacityTally | undefined };
  flashSale: FlashSaleResult | undefined;
}

/** Judges the run by its thresholds and against the last green run of the same stack and scenario. */
export function judge({ args, url, traffic, thresholds, regression, capacity, flashSale }: Judging): Verdict {
  const { samples, created, started } = traffic;
  const judged = thresholdResults(traffic, thresholds, flashSale);
  const { results, e2eValues, failed, steady } = judged;
  const cost = runCost(capacity.before, capacity.after, args.pricesRegion, created.length);
  const current = currentFigures(args, traffic, judged, cost);
  const baselineFile = args.baseline ?? baselinePath(args.out, args.stack, args.scenario);
  const baseline = readBaseline(baselineFile);
  const comparisons = baseline ? compareWithBaseline(current, baseline, regression) : [];
  const durationMs = traffic.loadEnded - started;
  const report: LoadReport = {
    scenario: args.scenario,
    stack: args.stack,
    url,
    startedAt: new Date(started).toISOString(),
    durationMs,
    requests: samples.length,
    failed,
    throughputPerSecond: samples.length / (durationMs / 1000),
    latencyMs: summarise(samples.map((s) => s.ms)),
    e2eMs: { ...summarise(e2eValues), orders: e2eValues.length, undecided: created.length - e2eValues.length },
    thresholds: results,
    comparisons,
    baseline: baseline
      ? `Compared with the run of ${baseline.recordedAt} (${baselineFile}).`
      : `No baseline at ${baselineFile}: this first run is judged on the absolute thresholds alone.`,
    ...(cost ? { cost } : {}),
    ...(flashSale ? { flashSale } : {}),
    undecided: created
      .filter((o) => o.decidedAtMs === undefined)
      .slice(0, 50)
      .map((o) => o.orderId),
    decisions: { arrivalsPerSecond: steady.arrivalsPerSecond, decisionsPerSecond: steady.decisionsPerSecond, ratio: steady.ratio },
    passed: results.every((r) => r.ok) && comparisons.every((c) => c.ok),
  };
  return { report, current, baselineFile, steady };
}

/**
 * The report as JSON (with every sample), HTML and JUnit XML beside each other in `out`; a passing run becomes
 * the baseline. Returns the reports' common path, without extension.
 */
export function writeReports(out: string, verdict: Verdict, traffic: Traffic): string {
  const { report, current, baselineFile } = verdict;
  mkdirSync(out, { recursive: true });
  const base = path.join(out, `${report.scenario}-${report.startedAt.replace(/[:.]/g, '-')}`);
  writeFileSync(`${base}.json`, JSON.stringify({ ...report, current, samples: traffic.samples }, null, 2));
  writeFileSync(`${base}.html`, htmlReport(report, traffic.samples, traffic.created));
  writeFileSync(`${base}.junit.xml`, junitXml(`load ${report.scenario} on ${report.stack}`, report.thresholds, report.comparisons));
  if (report.passed) writeBaseline(baselineFile, current);
  return base;
}

const shown = (v: number) => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : 'no data');

/** The verdict on the console, one line a threshold or comparison, PASSED or FAILED last. */
export function printVerdict(verdict: Verdict, pricesRegion: string, base: string): void {
  const { report, steady, baselineFile } = verdict;
  console.log(
    `\n${report.requests} requests, ${report.failed} failed, ${report.throughputPerSecond.toFixed(1)} req/s; steady part ${steady.arrivalsPerSecond.toFixed(1)} orders/s accepted, ${steady.decisionsPerSecond.toFixed(1)}/s decided`,
  );
  const { flashSale, cost } = report;
  if (flashSale) console.log(`  flash sale: ${flashSale.orders} orders for ${flashSale.stockBefore} units of ${flashSale.sku}, ${flashSale.stockAfter} left`);
  if (cost) console.log(`  cost: ${cost.perMillionOrdersUsd.toFixed(2)} USD per million orders (${pricesRegion} prices; ${cost.missing.join('; ')})`);
  for (const r of report.thresholds) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.metric} ${r.threshold} (was ${shown(r.value)})`);
  console.log(`  ${report.baseline}`);
  for (const c of report.comparisons) console.log(`  ${!c.ok ? 'FAIL' : c.compared ? 'ok  ' : 'skip'} baseline ${c.figure}: ${c.note}`);
  if (report.undecided.length) console.log(`  undecided after the drain: ${report.undecided.join(', ')}`);
  console.log(`Report: ${base}.html\n${report.passed ? 'PASSED' : 'FAILED'}${report.passed ? ` (baseline updated: ${baselineFile})` : ''}`);
}
