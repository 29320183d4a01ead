import { compareWithBaseline, type Baseline } from '../../loadtest/lib/baseline';
import { orderCost } from '../../loadtest/lib/cost';
import { backlogSeries, decidedInTime, pipelineVerdicts, steadyWindow, throughput, type OrderOutcome } from '../../loadtest/lib/pipeline';
import { readLoadConfig } from '../../loadtest/local/loadConfig';
import { recordedBaseline } from '../support/baselines';

const config = readLoadConfig();
const t = config.thresholds.local!;

/** Orders accepted at `rate`/s for `seconds`, each decided `lagMs` later (or never, past `decideUntilMs`). */
function run(rate: number, seconds: number, lagMs: (i: number) => number, decideUntilMs = Infinity): OrderOutcome[] {
  return Array.from({ length: rate * seconds }, (_, i) => {
    const createdAtMs = (i * 1000) / rate;
    const decidedAtMs = createdAtMs + lagMs(i);
    return { orderId: `o${i}`, createdAtMs, ...(decidedAtMs <= decideUntilMs ? { decidedAtMs } : {}) };
  });
}

describe('the pipeline verdicts', () => {
  const load = { startMs: 0, endMs: 20_000 };

  it('pass a pipeline that keeps up', () => {
    expect(
      pipelineVerdicts(
        run(50, 20, () => 300),
        load,
        t,
      ).map((v) => v.ok),
    ).toEqual([true, true]);
  });

  it('fail a stuck pipeline: nothing decided is a decided rate of 0, never "no data"', () => {
    const verdicts = pipelineVerdicts(
      run(50, 20, () => 0, -1),
      load,
      t,
    );
    expect(verdicts.map((v) => [v.metric, v.value, v.ok])).toEqual([
      ['order_decided', 0, false],
      ['decision_throughput', 0, false],
    ]);
    expect(pipelineVerdicts([], load, t)[0]).toMatchObject({ value: 0, ok: false });
  });

  it('fail a processor that decides 40/s under 50/s arrivals, although every order is decided in the end', () => {
    // The i-th order waits behind the backlog a 40/s processor builds: decided at i / 40 s.
    const slow = run(50, 20, (i) => (i * 1000) / 40 - (i * 1000) / 50 + 50);
    expect(slow.every((o) => o.decidedAtMs !== undefined)).toBe(true);
    const rate = throughput(slow, steadyWindow(load.startMs, load.endMs));
    expect(rate.decisionsPerSecond).toBeCloseTo(40, 0);
    expect(rate.ratio).toBeCloseTo(0.8, 1);
    expect(pipelineVerdicts(slow, load, t).find((v) => v.metric === 'decision_throughput')!.ok).toBe(false);
  });

  it('counts an order decided after its allowance as a failure, and lists it', () => {
    const outcomes = run(10, 10, (i) => (i === 3 ? t.decisionAllowanceMs + 1 : 200));
    const verdict = decidedInTime(outcomes, t.decisionAllowanceMs);
    expect(verdict.late.map((o) => o.orderId)).toEqual(['o3']);
    expect(verdict.rate).toBeCloseTo(0.99, 5);
  });

  it('draws the backlog: created minus decided, second by second', () => {
    const series = backlogSeries(run(2, 3, () => 1500));
    expect(series.slice(0, 5).map((p) => p.backlog)).toEqual([1, 3, 3, 2, 0]);
  });
});

describe('the baseline comparison', () => {
  const base: Baseline = { ...recordedBaseline, stack: 'local' };

  it('passes the same figures, and noise below the absolute floor', () => {
    expect(compareWithBaseline(base, base, config.regression).every((c) => c.ok)).toBe(true);
    const noisy = { ...base, httpP95Ms: 120 }; // +20 ms, under the 25 ms floor even though it is +20 %
    expect(compareWithBaseline(noisy, base, config.regression).every((c) => c.ok)).toBe(true);
  });

  it('fails each figure that got worse beyond its tolerance, in the right direction', () => {
    const worse = { ...base, httpP95Ms: 200, decisionThroughput: 0.8, errorRate: 0.02, costPerMillionUsd: 7 };
    const failed = compareWithBaseline(worse, base, config.regression)
      .filter((c) => !c.ok)
      .map((c) => c.figure);
    expect(failed.sort()).toEqual(['costPerMillionUsd', 'decisionThroughput', 'errorRate', 'httpP95Ms']);
    const better = { ...base, httpP95Ms: 50, decisionThroughput: 1.1, costPerMillionUsd: 3 };
    expect(compareWithBaseline(better, base, config.regression).every((c) => c.ok)).toBe(true);
  });

  it('fails a run against a baseline doctored to be twice as good', () => {
    const doctored = { ...base, httpP95Ms: 50, httpP99Ms: 100, e2eP95Ms: 400, e2eP99Ms: 800, decisionThroughput: 2 };
    const failed = compareWithBaseline(base, doctored, config.regression)
      .filter((c) => !c.ok)
      .map((c) => c.figure);
    expect(failed).toEqual(expect.arrayContaining(['httpP95Ms', 'httpP99Ms', 'e2eP95Ms', 'e2eP99Ms', 'decisionThroughput']));
  });

  it('does not compare what one of the runs could not measure, and says so', () => {
    const { costPerMillionUsd: _ignored, ...withoutCost } = base;
    const cost = compareWithBaseline({ ...withoutCost }, base, config.regression).find((c) => c.figure === 'costPerMillionUsd')!;
    expect(cost).toMatchObject({ ok: true, compared: false, note: 'not measured in both runs: not compared' });
  });

  describe('from a runner somewhere else', () => {
    // Every figure twice as bad: what a runner an ocean away does to HTTP latency, plus a real regression of the stack.
    const worse = { ...base, httpP95Ms: 200, httpP99Ms: 400, e2eP95Ms: 2000, e2eP99Ms: 4000, decisionThroughput: 0.5, errorRate: 0.02, costPerMillionUsd: 10 };
    const verdicts = (current: Baseline, baseline: Baseline) =>
      Object.fromEntries(compareWithBaseline(current, baseline, config.regression).map((c) => [c.figure, c]));

    it('leaves HTTP latency out, saying why, and still fails what the stack measures itself', () => {
      const byFigure = verdicts({ ...worse, runnerLocation: 'self-hosted us-east-1' }, base);
      for (const figure of ['httpP95Ms', 'httpP99Ms']) {
        expect(byFigure[figure]).toMatchObject({
          ok: true,
          compared: false,
          note: "HTTP latency not compared: this run's runner (self-hosted us-east-1) is not where the baseline's was (self-hosted eu-west-1)",
        });
      }
      const failed = Object.values(byFigure).filter((c) => !c.ok);
      expect(failed.map((c) => c.figure).sort()).toEqual(['costPerMillionUsd', 'decisionThroughput', 'e2eP95Ms', 'e2eP99Ms', 'errorRate']);
      expect(failed.every((c) => c.compared)).toBe(true);
    });

    it('treats an unknown location as another place: a baseline or run without one compares no HTTP latency', () => {
      const { runnerLocation: _where, ...unplaced } = base;
      expect(verdicts({ ...worse, runnerLocation: base.runnerLocation! }, unplaced).httpP95Ms).toMatchObject({
        compared: false,
        note: "HTTP latency not compared: the runner's location is unknown for the baseline",
      });
      expect(verdicts(unplaced, unplaced).httpP99Ms!.note).toBe("HTTP latency not compared: the runner's location is unknown for both runs");
      expect(verdicts({ ...unplaced, httpP95Ms: 200 }, base).httpP95Ms!.ok).toBe(true);
    });

    it('compares HTTP latency again once both runs stood in the same place', () => {
      const byFigure = verdicts(worse, base);
      expect([byFigure.httpP95Ms!.compared, byFigure.httpP95Ms!.ok, byFigure.httpP99Ms!.ok]).toEqual([true, false, false]);
    });
  });
});

describe('cost per order', () => {
  it('prices what was consumed and names what was left out', () => {
    const prices = { usdPerMillionWriteRequestUnits: 0.705, usdPerMillionReadRequestUnits: 0.1415, lambdaUsdPerGbSecond: 0.0000133334 };
    const cost = orderCost({ writeRequestUnits: 6_000, readRequestUnits: 1_000, lambdaGbSeconds: 100 }, prices, 1_000);
    expect(cost.parts.dynamodb).toBeCloseTo((6_000 * 0.705 + 1_000 * 0.1415) / 1e6, 12);
    expect(cost.parts.lambda).toBeCloseTo(100 * 0.0000133334, 12);
    expect(cost.perMillionOrdersUsd).toBeCloseTo((cost.totalUsd / 1_000) * 1e6, 9);
    expect(cost.missing).toEqual([
      'Lambda requests: not measured',
      'Fargate vCPU-hours: not measured',
      'Fargate GB-hours: not measured',
      'ALB LCU-hours: not measured',
    ]);
    expect(orderCost({ writeRequestUnits: 1, readRequestUnits: 1 }, prices, 0).perMillionOrdersUsd).toBeNaN();
  });
});
