import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Comparison } from '../lib/baseline';
import type { OrderCost } from '../lib/cost';
import { backlogSeries, type OrderOutcome } from '../lib/pipeline';
import { percentile, type ThresholdResult } from '../lib/stats';

export interface Sample {
  /** ms since the run started */
  t: number;
  ms: number;
  status: number;
}

export interface LoadReport {
  scenario: string;
  stack: string;
  url: string;
  startedAt: string;
  durationMs: number;
  requests: number;
  failed: number;
  throughputPerSecond: number;
  latencyMs: ReturnType<typeof summarise>;
  e2eMs: ReturnType<typeof summarise> & { orders: number; undecided: number };
  thresholds: ThresholdResult[];
  /** Against the last green run of this stack and scenario; empty on a first run. */
  comparisons: Comparison[];
  baseline: string;
  cost?: OrderCost;
  /** A flash-sale run: the product's stock before and after, and how many orders asked for it. */
  flashSale?: { sku: string; stockBefore: number; orders: number; stockAfter: number };
  /** Orders still undecided when the drain ended (their ids, at most 50). */
  undecided: string[];
  decisions: { arrivalsPerSecond: number; decisionsPerSecond: number; ratio: number };
  passed: boolean;
}

export const summarise = (values: readonly number[]) => ({
  count: values.length,
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  p99: percentile(values, 99),
  max: values.length ? Math.max(...values) : NaN,
});

const round = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? 'n/a' : String(Math.round(v * 100) / 100));
/** Small amounts keep their significant digits (a run's DynamoDB bill is a fraction of a cent). */
const usd = (v: number) => (v === 0 ? '0' : v.toPrecision(3));
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Chart.js, inlined so the report opens offline. */
const chartJs = () => readFileSync(path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');

/** Per second: orders accepted and decided (rates), and the backlog between them. */
function perSecond(outcomes: readonly OrderOutcome[]) {
  const series = backlogSeries(outcomes, 1000);
  return series.map((point, i) => ({
    t: point.t,
    arrivals: i === 0 ? point.created : point.created - series[i - 1]!.created,
    decisions: i === 0 ? point.decided : point.decided - series[i - 1]!.decided,
    backlog: point.backlog,
  }));
}

/** The data behind the charts, as plain JSON for the page's script. */
function chartData(samples: readonly Sample[], outcomes: readonly OrderOutcome[]) {
  const e2e = outcomes.filter((o) => o.decidedAtMs !== undefined).map((o) => o.decidedAtMs! - o.createdAtMs);
  const latencies = samples.map((s) => s.ms);
  const step = Math.max(1, Math.ceil(samples.length / 5000)); // keep the page light on long runs
  return {
    latency: samples.filter((_, i) => i % step === 0).map((s) => ({ x: Math.round(s.t) / 1000, y: s.ms })),
    perSecond: perSecond(outcomes),
    percentiles: Array.from({ length: 101 }, (_, p) => ({ p, request: percentile(latencies, Math.max(p, 0.0001)), e2e: percentile(e2e, Math.max(p, 0.0001)) })),
  };
}

export function htmlReport(report: LoadReport, samples: readonly Sample[], outcomes: readonly OrderOutcome[]): string {
  const verdict = (ok: boolean) => `<td class="${ok ? 'ok' : 'fail'}">${ok ? 'pass' : 'FAIL'}</td>`;
  const thresholds = report.thresholds
    .map((t) => `<tr><td>${escape(t.metric)}</td><td>${escape(t.threshold)}</td><td>${round(t.value)}</td>${verdict(t.ok)}</tr>`)
    .join('');
  const comparisons = report.comparisons
    .map(
      (c) =>
        `<tr><td>${c.figure}</td><td>${round(c.baseline)}</td><td>${round(c.current)}</td><td>${c.change === undefined ? '' : `${(c.change * 100).toFixed(1)} %`}</td><td>${escape(c.note)}</td>${c.compared ? verdict(c.ok) : '<td>skipped</td>'}</tr>`,
    )
    .join('');
  const cost = report.cost
    ? `<p>Cost: ${round(report.cost.perMillionOrdersUsd)} USD per million orders (${report.cost.orders} orders; DynamoDB ${usd(report.cost.parts.dynamodb)}, Lambda ${usd(report.cost.parts.lambda)}, Fargate ${usd(report.cost.parts.fargate)}, ALB ${usd(report.cost.parts.alb)} USD)${report.cost.missing.length ? ` — not included: ${escape(report.cost.missing.join('; '))}` : ''}</p>`
    : '<p>Cost: not measured on this target.</p>';
  return `<!doctype html><html><head><meta charset="utf-8"><title>Load test ${escape(report.scenario)} — ${report.passed ? 'passed' : 'FAILED'}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:960px}td,th{padding:2px 10px;text-align:left}.ok{color:#1e8449}.fail{color:#c0392b;font-weight:bold}canvas{max-height:320px}</style>
<script>${chartJs()}</script></head><body>
<h1>${escape(report.scenario)} on ${escape(report.stack)}: ${report.passed ? '<span class="ok">passed</span>' : '<span class="fail">FAILED</span>'}</h1>
<p>${escape(report.url)} · ${report.startedAt} · ${report.requests} requests (${report.failed} failed) in ${round(report.durationMs / 1000)} s · ${round(report.throughputPerSecond)} req/s ·
latency p50/p95/p99 ${round(report.latencyMs.p50)}/${round(report.latencyMs.p95)}/${round(report.latencyMs.p99)} ms · accepted→decided p50/p95/p99 ${round(report.e2eMs.p50)}/${round(report.e2eMs.p95)}/${round(report.e2eMs.p99)} ms over ${report.e2eMs.orders} orders ·
steady part: ${round(report.decisions.arrivalsPerSecond)} orders/s accepted, ${round(report.decisions.decisionsPerSecond)}/s decided</p>
${cost}
${report.flashSale ? `<p>Flash sale: ${report.flashSale.orders} orders for ${report.flashSale.stockBefore} units of ${escape(report.flashSale.sku)}; ${report.flashSale.stockAfter} left.</p>` : ''}
<h2>Thresholds</h2><table><tr><th>metric</th><th>threshold</th><th>value</th><th></th></tr>${thresholds}</table>
<h2>Against the baseline</h2><p>${escape(report.baseline)}</p>${comparisons ? `<table><tr><th>figure</th><th>baseline</th><th>this run</th><th>change</th><th>tolerance</th><th></th></tr>${comparisons}</table>` : ''}
${report.undecided.length ? `<h2>Undecided after the drain</h2><p>${report.undecided.map(escape).join(', ')}</p>` : ''}
<h2>Latency over time</h2><canvas id="latency"></canvas>
<h2>Decisions against arrivals, and the backlog</h2><canvas id="pipeline"></canvas>
<h2>Percentiles</h2><canvas id="percentiles"></canvas>
<script>
const data = ${JSON.stringify(chartData(samples, outcomes))};
const axis = (title) => ({ title: { display: true, text: title } });
new Chart(document.getElementById('latency'), { type: 'scatter', data: { datasets: [{ label: 'request latency (ms)', data: data.latency, pointRadius: 1.5 }] }, options: { animation: false, scales: { x: axis('seconds into the run'), y: axis('ms') } } });
new Chart(document.getElementById('pipeline'), { type: 'line', data: { labels: data.perSecond.map((p) => p.t), datasets: [
  { label: 'accepted / s', data: data.perSecond.map((p) => p.arrivals), yAxisID: 'rate' },
  { label: 'decided / s', data: data.perSecond.map((p) => p.decisions), yAxisID: 'rate' },
  { label: 'backlog (accepted − decided)', data: data.perSecond.map((p) => p.backlog), yAxisID: 'backlog', borderDash: [4, 4] },
] }, options: { animation: false, scales: { x: axis('seconds since the first order'), rate: { position: 'left', ...axis('orders / s') }, backlog: { position: 'right', ...axis('orders waiting') } } } });
new Chart(document.getElementById('percentiles'), { type: 'line', data: { labels: data.percentiles.map((p) => p.p), datasets: [
  { label: 'request latency (ms)', data: data.percentiles.map((p) => p.request) },
  { label: 'accepted → decided (ms)', data: data.percentiles.map((p) => p.e2e) },
] }, options: { animation: false, scales: { x: axis('percentile'), y: axis('ms') } } });
</script>
</body></html>
`;
}
