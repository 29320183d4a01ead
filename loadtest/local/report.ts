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
  latencyMs: Record<'p50' | 'p95' | 'p99' | 'max', number>;
  e2eMs: Record<'p50' | 'p95' | 'p99' | 'max', number> & { orders: number; undecided: number };
  thresholds: ThresholdResult[];
  passed: boolean;
}

export const summarise = (values: readonly number[]) => ({
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  p99: percentile(values, 99),
  max: values.length ? Math.max(...values) : NaN,
});

const W = 720;
const H = 260;
const PAD = 40;

function axes(xLabel: string, yLabel: string, maxX: number, maxY: number) {
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return [
    `<line x1="${PAD}" y1="${H - PAD}" x2="${W - 10}" y2="${H - PAD}" stroke="#333"/>`,
    `<line x1="${PAD}" y1="10" x2="${PAD}" y2="${H - PAD}" stroke="#333"/>`,
    ...ticks.map((f) => `<text x="${PAD + f * (W - PAD - 10)}" y="${H - PAD + 14}" font-size="10" text-anchor="middle">${round(f * maxX)}</text>`),
    ...ticks.map((f) => `<text x="${PAD - 4}" y="${H - PAD - f * (H - PAD - 10) + 3}" font-size="10" text-anchor="end">${round(f * maxY)}</text>`),
    `<text x="${W / 2}" y="${H - 6}" font-size="11" text-anchor="middle">${xLabel}</text>`,
    `<text x="12" y="${H / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${H / 2})">${yLabel}</text>`,
  ].join('');
}

const round = (n: number) => (n >= 100 ? Math.round(n) : Math.round(n * 10) / 10);
const x = (v: number, max: number) => PAD + (max ? v / max : 0) * (W - PAD - 10);
const y = (v: number, max: number) => H - PAD - (max ? v / max : 0) * (H - PAD - 10);

/** Latency of every request over the run (at most 4,000 points drawn). */
export function latencyOverTimeSvg(samples: readonly Sample[]): string {
  const step = Math.max(1, Math.ceil(samples.length / 4000));
  const drawn = samples.filter((_, i) => i % step === 0);
  const maxX = Math.max(1, ...drawn.map((s) => s.t)) / 1000;
  const maxY = Math.max(1, ...drawn.map((s) => s.ms));
  const dots = drawn.map((s) => `<circle cx="${x(s.t / 1000, maxX).toFixed(1)}" cy="${y(s.ms, maxY).toFixed(1)}" r="1.5" fill="${s.status >= 400 || s.status === 0 ? '#c0392b' : '#2e86c1'}"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="latency over time">${axes('seconds into the run', 'latency (ms)', maxX, maxY)}${dots.join('')}</svg>`;
}

/** Percentile curves (p0–p100) of request latency and end-to-end order latency. */
export function percentileSvg(series: ReadonlyArray<{ label: string; color: string; values: readonly number[] }>): string {
  const maxY = Math.max(1, ...series.flatMap((s) => (s.values.length ? [Math.max(...s.values)] : [])));
  const lines = series
    .filter((s) => s.values.length > 0)
    .map((s, i) => {
      const points = Array.from({ length: 101 }, (_, p) => `${x(p, 100).toFixed(1)},${y(percentile(s.values, Math.max(p, 0.0001)), maxY).toFixed(1)}`);
      return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points.join(' ')}"/><text x="${W - 150}" y="${20 + i * 14}" font-size="11" fill="${s.color}">${s.label}</text>`;
    });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="percentiles">${axes('percentile', 'ms', 100, maxY)}${lines.join('')}</svg>`;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function htmlReport(report: LoadReport, samples: readonly Sample[], e2eValues: readonly number[]): string {
  const rows = report.thresholds
    .map((t) => `<tr><td>${escape(t.metric)}</td><td>${escape(t.threshold)}</td><td>${round(t.value)}</td><td class="${t.ok ? 'ok' : 'fail'}">${t.ok ? 'pass' : 'FAIL'}</td></tr>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Load test ${escape(report.scenario)} — ${report.passed ? 'passed' : 'FAILED'}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:780px}td,th{padding:2px 10px;text-align:left}.ok{color:#1e8449}.fail{color:#c0392b;font-weight:bold}</style></head><body>
<h1>${escape(report.scenario)} on ${escape(report.stack)}: ${report.passed ? '<span class="ok">passed</span>' : '<span class="fail">FAILED</span>'}</h1>
<p>${escape(report.url)} · ${report.startedAt} · ${report.requests} requests (${report.failed} failed) in ${round(report.durationMs / 1000)} s · ${round(report.throughputPerSecond)} req/s ·
latency p50/p95/p99 ${round(report.latencyMs.p50)}/${round(report.latencyMs.p95)}/${round(report.latencyMs.p99)} ms · accepted→decided p50/p95/p99 ${round(report.e2eMs.p50)}/${round(report.e2eMs.p95)}/${round(report.e2eMs.p99)} ms over ${report.e2eMs.orders} orders</p>
<table><tr><th>metric</th><th>threshold</th><th>value</th><th></th></tr>${rows}</table>
<h2>Latency over time</h2>${latencyOverTimeSvg(samples)}
<h2>Percentiles</h2>${percentileSvg([
    { label: 'request latency', color: '#2e86c1', values: samples.map((s) => s.ms) },
    { label: 'accepted → decided', color: '#af601a', values: e2eValues },
  ])}
</body></html>
`;
}
