/**
 * Does the asynchronous pipeline keep up? Judged from the orders a run created: when each was accepted and
 * when (if ever) the processor decided it. Pure functions, shared by the k6 script and the local runner.
 */

export interface OrderOutcome {
  orderId: string;
  createdAtMs: number;
  /** When the processor decided it (CONFIRMED or REJECTED); undefined while PENDING. */
  decidedAtMs?: number;
}

/** One verdict of a run: a threshold (or a pipeline check) and whether the run kept to it. */
export interface ThresholdResult {
  metric: string;
  threshold: string;
  value: number;
  ok: boolean;
}

export interface PipelineThresholds {
  /** Share of created orders that must be decided within `decisionAllowanceMs` of their acceptance. */
  decidedRate: number;
  decisionAllowanceMs: number;
  /** How long after the load stops the run waits for every created order to be decided. */
  drainAllowanceMs: number;
  /** Decisions per second over arrivals per second in the steady part of the run (e.g. 0.9). */
  throughputRatio: number;
}

export interface Throughput {
  windowStartMs: number;
  windowEndMs: number;
  arrivalsPerSecond: number;
  decisionsPerSecond: number;
  ratio: number;
}

/** The steady part of a load phase: without its first 20 % (the pipeline warming up) and last 10 %. */
export const steadyWindow = (startMs: number, endMs: number) => ({ startMs: startMs + 0.2 * (endMs - startMs), endMs: endMs - 0.1 * (endMs - startMs) });

/**
 * Arrivals per second over the window, and how fast decisions keep up with them. A processor that keeps up
 * decides each order about as long after its acceptance as the one before; one that decides at r × the arrival
 * rate lets that lag grow by (1/r − 1) seconds per second. So the ratio is 1 / (1 + slope), the slope of lag
 * against acceptance time over the window's decided orders (a least-squares fit: the stream's batching makes
 * single decisions bursty, the trend is not). With half the window's orders or more undecided, the ratio is the
 * share decided.
 */
export function throughput(outcomes: readonly OrderOutcome[], window: { startMs: number; endMs: number }): Throughput {
  const seconds = Math.max(0.001, (window.endMs - window.startMs) / 1000);
  const accepted = outcomes.filter((o) => o.createdAtMs >= window.startMs && o.createdAtMs < window.endMs);
  const decided = accepted.filter((o) => o.decidedAtMs !== undefined);
  const arrivalsPerSecond = accepted.length / seconds;
  let ratio: number;
  if (accepted.length === 0) ratio = 0;
  else if (decided.length < Math.max(2, accepted.length / 2)) ratio = decided.length / accepted.length;
  else {
    const xs = decided.map((o) => o.createdAtMs);
    const ys = decided.map((o) => o.decidedAtMs! - o.createdAtMs);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const [mx, my] = [mean(xs), mean(ys)];
    const variance = xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
    const slope = variance === 0 ? 0 : xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i]! - my), 0) / variance;
    ratio = 1 / (1 + Math.max(slope, -0.5));
  }
  return { windowStartMs: window.startMs, windowEndMs: window.endMs, arrivalsPerSecond, decisionsPerSecond: arrivalsPerSecond * ratio, ratio };
}

/** Orders decided in time, and the ones that were not (undecided, or decided after the allowance). */
export function decidedInTime(outcomes: readonly OrderOutcome[], allowanceMs: number) {
  const late = outcomes.filter((o) => o.decidedAtMs === undefined || o.decidedAtMs - o.createdAtMs > allowanceMs);
  return {
    total: outcomes.length,
    inTime: outcomes.length - late.length,
    rate: outcomes.length === 0 ? 0 : (outcomes.length - late.length) / outcomes.length,
    late,
  };
}

/** Created, decided and the backlog between them, once per `stepMs` from the first acceptance. */
export function backlogSeries(outcomes: readonly OrderOutcome[], stepMs = 1000): Array<{ t: number; created: number; decided: number; backlog: number }> {
  if (outcomes.length === 0) return [];
  const start = Math.min(...outcomes.map((o) => o.createdAtMs));
  const end = Math.max(...outcomes.map((o) => o.decidedAtMs ?? o.createdAtMs));
  const series = [];
  for (let t = start; t <= end + stepMs; t += stepMs) {
    const created = outcomes.filter((o) => o.createdAtMs <= t).length;
    const decided = outcomes.filter((o) => o.decidedAtMs !== undefined && o.decidedAtMs <= t).length;
    series.push({ t: (t - start) / 1000, created, decided, backlog: created - decided });
  }
  return series;
}

/**
 * The pipeline's verdicts, in the threshold form the reports and JUnit use. "No data" never passes: with no
 * created order the decided rate is 0.
 */
export function pipelineVerdicts(outcomes: readonly OrderOutcome[], load: { startMs: number; endMs: number }, t: PipelineThresholds): ThresholdResult[] {
  const decided = decidedInTime(outcomes, t.decisionAllowanceMs);
  const rate = throughput(outcomes, steadyWindow(load.startMs, load.endMs));
  return [
    {
      metric: 'order_decided',
      threshold: `rate>=${t.decidedRate} within ${t.decisionAllowanceMs} ms`,
      value: decided.rate,
      ok: decided.total > 0 && decided.rate >= t.decidedRate,
    },
    { metric: 'decision_throughput', threshold: `ratio>=${t.throughputRatio} of arrivals`, value: rate.ratio, ok: rate.ratio >= t.throughputRatio },
  ];
}
