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
  /**
   * Where the load generator ran (k6: RUNNER_LOCATION, set by the workflow; the local runner: this machine).
   * HTTP latency is timed by the runner, so it includes the network between the runner and the stack.
   */
  runnerLocation?: string;
}

export type Figure = Exclude<keyof Baseline, 'scenario' | 'stack' | 'recordedAt' | 'runnerLocation'>;

/**
 * Figures the runner measures with its own clock, round trip included: comparable between two runs only when both
 * ran from the same known place. The rest the stack measures itself (accepted → decided from the orders' own
 * timestamps, decisions against arrivals) or does not depend on distance (error rate, cost).
 */
export const CLIENT_SIDE_FIGURES: ReadonlySet<Figure> = new Set<Figure>(['httpP95Ms', 'httpP99Ms']);

/** Why the runner-timed figures of these two runs cannot be compared; undefined when they can. */
export function runnerMismatch(current: Baseline, baseline: Baseline): string | undefined {
  const [now, before] = [current.runnerLocation, baseline.runnerLocation];
  if (!now || !before) return `the runner's location is unknown for ${!now && !before ? 'both runs' : !now ? 'this run' : 'the baseline'}`;
  if (now !== before) return `this run's runner (${now}) is not where the baseline's was (${before})`;
  return undefined;
}

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
  /** False when the figure was not compared (the note says why): reported as skipped, never as passed. */
  compared: boolean;
  note: string;
}

/** Figures where more is better; the rest are better when lower. */
const HIGHER_IS_BETTER = new Set<Figure>(['decisionThroughput']);
/** Figures whose tolerance is absolute (a rate near 0 has no meaningful relative change). */
const ABSOLUTE = new Set<Figure>(['errorRate']);

/**
 * Each figure with a tolerance, this run against the baseline. HTTP latency only when both runs' runners stood in
 * the same known place: from elsewhere the round trip changes it, and a change of runner would pass or fail the
 * gate for nothing the stack did. The figures the stack measures itself are compared wherever the runner ran.
 */
export function compareWithBaseline(current: Baseline, baseline: Baseline, tolerances: Tolerances): Comparison[] {
  const entries = (Object.entries(tolerances) as Array<[Figure, Tolerance]>).filter(([, t]) => typeof t === 'object' && typeof t.worseBy === 'number');
  const elsewhere = runnerMismatch(current, baseline);
  return entries.map(([figure, tolerance]) => {
    const before = baseline[figure];
    const now = current[figure];
    const measured = { ...(before !== undefined ? { baseline: before } : {}), ...(now !== undefined ? { current: now } : {}) };
    if (elsewhere && CLIENT_SIDE_FIGURES.has(figure)) {
      return { figure, tolerance, ok: true, compared: false, note: `HTTP latency not compared: ${elsewhere}`, ...measured };
    }
    if (before === undefined || now === undefined || !Number.isFinite(before) || !Number.isFinite(now)) {
      return {
        figure,
        tolerance,
        ok: true,
        compared: false,
        note: 'not measured in both runs: not compared',
        ...measured,
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
      compared: true,
      note: `${change > 0 ? 'worse' : 'better or equal'} by ${pct(Math.abs(change))} (allowed ${pct(tolerance.worseBy)}${tolerance.atLeast ? `, or less than ${tolerance.atLeast}` : ''})`,
    };
  });
}
