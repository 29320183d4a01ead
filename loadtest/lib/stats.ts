import type { Thresholds } from './config.ts';
import type { ThresholdResult } from './pipeline.ts';

/** Nearest-rank percentile of unsorted values (p in 0–100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export interface RunStats {
  requests: number;
  failed: number;
  latenciesMs: number[];
  e2eMs: number[];
}

export type { ThresholdResult } from './pipeline.ts';

/** The same thresholds k6 applies, evaluated over a Node run's measurements. */
export function evaluateThresholds(stats: RunStats, t: Thresholds): ThresholdResult[] {
  const failedRate = stats.requests === 0 ? 1 : stats.failed / stats.requests;
  const check = (metric: string, threshold: string, value: number, limit: number): ThresholdResult => ({
    metric,
    threshold,
    value,
    ok: Number.isFinite(value) && value < limit,
  });
  return [
    check('http_req_failed', `rate<${t.httpReqFailedRate}`, failedRate, t.httpReqFailedRate),
    check('http_req_duration', `p(95)<${t.p95Ms}`, percentile(stats.latenciesMs, 95), t.p95Ms),
    check('http_req_duration', `p(99)<${t.p99Ms}`, percentile(stats.latenciesMs, 99), t.p99Ms),
    check('order_e2e_latency', `p(95)<${t.e2eP95Ms}`, percentile(stats.e2eMs, 95), t.e2eP95Ms),
    check('order_e2e_latency', `p(99)<${t.e2eP99Ms}`, percentile(stats.e2eMs, 99), t.e2eP99Ms),
  ];
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A baseline comparison, as JUnit sees it (lib/baseline.ts Comparison, without the import cycle). */
interface ComparisonCase {
  figure: string;
  baseline?: number;
  current?: number;
  ok: boolean;
  /** False: not compared, and the note says why (JUnit `skipped`). */
  compared?: boolean;
  note: string;
}

/**
 * JUnit XML, one test case per threshold and per baseline comparison, so CI shows which figure failed and by how
 * much; a comparison that was not made is `skipped`, with the reason.
 */
export function junitXml(suite: string, results: readonly ThresholdResult[], comparisons: readonly ComparisonCase[] = []): string {
  const cases = [
    ...results.map((r) => ({ name: `${r.metric} ${r.threshold}`, ok: r.ok, skipped: false, message: `${r.metric} was ${r.value}` })),
    ...comparisons.map((c) => ({
      name: `baseline ${c.figure}`,
      ok: c.ok,
      skipped: c.compared === false,
      message: c.compared === false ? c.note : `${c.figure} ${c.current} against ${c.baseline}: ${c.note}`,
    })),
  ];
  const failures = cases.filter((c) => !c.ok).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const lines = cases.map((c) => {
    const open = `    <testcase classname="${escapeXml(suite)}" name="${escapeXml(c.name)}"`;
    if (!c.ok) return `${open}><failure message="${escapeXml(c.message)}"/></testcase>`;
    if (c.skipped) return `${open}><skipped message="${escapeXml(c.message)}"/></testcase>`;
    return `${open}/>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="${escapeXml(suite)}" tests="${cases.length}" failures="${failures}"${skipped ? ` skipped="${skipped}"` : ''}>\n${lines.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}

interface K6Metric {
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

/** k6's handleSummary data → threshold results (for JUnit). */
export function k6ThresholdResults(data: { metrics: Record<string, K6Metric> }): ThresholdResult[] {
  return Object.entries(data.metrics).flatMap(([metric, m]) =>
    Object.entries(m.thresholds ?? {}).map(([threshold, outcome]) => {
      const stat = /^(p\(\d+(?:\.\d+)?\)|rate|avg|med|max|min|count)/.exec(threshold)?.[1] ?? '';
      return { metric, threshold, value: m.values[stat] ?? NaN, ok: outcome.ok };
    }),
  );
}
