/**
 * The last green run's figures, and how a run compares with them. Pure: the k6 gate (through `npm run
 * gate:verdict`) and the local runner use the same comparison.
 */
export interface Baseline {
  scenario: string;
  stack: string;
  recordedAt: string;
  httpP95Ms: number;
  httpP99Ms: number;
  e2eP95Ms: number;
  e2eP99Ms: number;
  /** Decisions over arrivals in the steady part (lib/pipeline.ts throughput): 1 keeps up. */
  decisionThroughput: number;
  errorRate: number;
  /** Undefined where the run could not measure it. */
  costPerMillionUsd?: number;
}

export type Figure = Exclude<keyof Baseline, 'scenario' | 'stack' | 'recordedAt'>;

/** How much worse a figure may get: relatively (`worseBy`) and, to ignore noise, absolutely (`atLeast`). */
export interface Tolerance {
  worseBy: number;
  atLeast?: number;
}
export type Tolerances = Partial<Record<Figure, Tolerance>>;

export interface Comparison {
  figure: Figure;
  baseline?: number;
  current?: number;
  /** Relative change, positive = worse. */
  change?: number;
  tolerance: Tolerance;
  ok: boolean;
  note: string;
}

/** Figures where more is better; the rest are better when lower. */
const HIGHER_IS_BETTER = new Set<Figure>(['decisionThroughput']);
/** Figures whose tolerance is absolute (a rate near 0 has no meaningful relative change). */
const ABSOLUTE = new Set<Figure>(['errorRate']);

export function compareWithBaseline(current: Baseline, baseline: Baseline, tolerances: Tolerances): Comparison[] {
  const entries = (Object.entries(tolerances) as Array<[Figure, Tolerance]>).filter(([, t]) => typeof t === 'object' && typeof t.worseBy === 'number');
  return entries.map(([figure, tolerance]) => {
    const before = baseline[figure];
    const now = current[figure];
    if (before === undefined || now === undefined || !Number.isFinite(before) || !Number.isFinite(now)) {
      return {
        figure,
        tolerance,
        ok: true,
        note: 'not measured in both runs: not compared',
        ...(before !== undefined ? { baseline: before } : {}),
        ...(now !== undefined ? { current: now } : {}),
      };
    }
    const worse = HIGHER_IS_BETTER.has(figure) ? before - now : now - before;
    const change = ABSOLUTE.has(figure) ? worse : before === 0 ? (worse > 0 ? Infinity : 0) : worse / before;
    const beyondNoise = worse > (tolerance.atLeast ?? 0);
    const ok = !(change > tolerance.worseBy && beyondNoise);
    const pct = (v: number) => (ABSOLUTE.has(figure) ? `${(v * 100).toFixed(2)} pp` : `${(v * 100).toFixed(1)} %`);
    return {
      figure,
      baseline: before,
      current: now,
      change,
      tolerance,
      ok,
      note: `${change > 0 ? 'worse' : 'better or equal'} by ${pct(Math.abs(change))} (allowed ${pct(tolerance.worseBy)}${tolerance.atLeast ? `, or less than ${tolerance.atLeast}` : ''})`,
    };
  });
}
