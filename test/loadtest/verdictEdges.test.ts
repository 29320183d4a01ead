import { compareWithBaseline, type Baseline, type Tolerances } from '../../loadtest/lib/baseline';
import { orderCost } from '../../loadtest/lib/cost';
import { backlogSeries, decidedInTime, steadyWindow, throughput, type OrderOutcome } from '../../loadtest/lib/pipeline';
import { accessTokenOf } from '../../loadtest/lib/signIn';
import { recordedBaseline } from '../support/baselines';

/**
 * The gate's arithmetic at its edges, each expectation worked out by hand from the rule its doc comment states
 * (loadtest/lib): where a tolerance ends, which way a figure gets worse, which orders a window holds, how the
 * throughput ratio follows a growing lag. Found missing by mutation testing.
 */
// An error rate above zero, so that which way it gets worse shows.
const base: Baseline = { ...recordedBaseline, errorRate: 0.001 };
const one = (current: Partial<Baseline>, tolerances: Tolerances, baseline: Partial<Baseline> = {}) =>
  compareWithBaseline({ ...base, ...current }, { ...base, ...baseline }, tolerances);

describe('a baseline comparison', () => {
  it('compares only the figures given a numeric tolerance: a comment or a malformed entry is no figure', () => {
    const tolerances = { $comment: 'how much worse', httpP95Ms: { worseBy: 0.25 }, e2eP95Ms: { atLeast: 5 } } as unknown as Tolerances;
    expect(one({}, tolerances).map((c) => c.figure)).toEqual(['httpP95Ms']);
  });

  it('fails a figure only past both its relative tolerance and its floor; at either bound it passes', () => {
    const tolerance = { httpP95Ms: { worseBy: 0.25, atLeast: 20 } };
    expect(one({ httpP95Ms: 125 }, tolerance)[0]).toMatchObject({ change: 0.25, ok: true }); // exactly +25 %
    expect(one({ httpP95Ms: 126 }, tolerance)[0]).toMatchObject({ change: 0.26, ok: false });
    expect(one({ httpP95Ms: 40 }, tolerance, { httpP95Ms: 20 })[0]).toMatchObject({ change: 1, ok: true }); // +20 ms: the floor
    expect(one({ httpP95Ms: 41 }, tolerance, { httpP95Ms: 20 })[0]).toMatchObject({ change: 1.05, ok: false });
    expect(one({ httpP95Ms: 130 }, { httpP95Ms: { worseBy: 0.25 } })[0]).toMatchObject({ change: 0.3, ok: false }); // no floor
  });

  it('measures a change against the baseline, and calls any rise from zero infinitely worse', () => {
    expect(one({ e2eP95Ms: 1500 }, { e2eP95Ms: { worseBy: 0.25 } })[0]!.change).toBe(0.5);
    expect(one({ e2eP95Ms: 500 }, { e2eP95Ms: { worseBy: 0.25 } })[0]).toMatchObject({
      change: -0.5,
      ok: true,
      note: 'better or equal by 50.0 % (allowed 25.0 %)',
    });
    expect(one({ costPerMillionUsd: 1 }, { costPerMillionUsd: { worseBy: 0.2 } }, { costPerMillionUsd: 0 })[0]).toMatchObject({ change: Infinity, ok: false });
    expect(one({ costPerMillionUsd: 0 }, { costPerMillionUsd: { worseBy: 0.2 } }, { costPerMillionUsd: 0 })[0]).toMatchObject({ change: 0, ok: true });
  });

  it('counts throughput worse as it falls, and the error rate in points, not relative to a rate near zero', () => {
    expect(one({ decisionThroughput: 0.85 }, { decisionThroughput: { worseBy: 0.1 } })[0]).toMatchObject({
      ok: false,
      note: 'worse by 15.0 % (allowed 10.0 %)',
    });
    expect(one({ decisionThroughput: 1.5 }, { decisionThroughput: { worseBy: 0.1 } })[0]).toMatchObject({ change: -0.5, ok: true });
    // 0.1 % → 0.5 %: five times the rate, yet only 0.4 points, within 0.5 points.
    const rate = one({ errorRate: 0.005 }, { errorRate: { worseBy: 0.005 } })[0]!;
    expect(rate).toMatchObject({ ok: true, note: 'worse by 0.40 pp (allowed 0.50 pp)' });
    expect(rate.change).toBeCloseTo(0.004, 12);
    expect(one({ errorRate: 0.007 }, { errorRate: { worseBy: 0.005 } })[0]!.ok).toBe(false);
  });

  it('keeps what each run measured on a comparison it could not make, and only that', () => {
    const { costPerMillionUsd: _c, ...unpriced } = base;
    const [onlyBaseline] = compareWithBaseline(unpriced, base, { costPerMillionUsd: { worseBy: 0.2 } });
    expect(onlyBaseline).toEqual({
      figure: 'costPerMillionUsd',
      tolerance: { worseBy: 0.2 },
      ok: true,
      compared: false,
      note: 'not measured in both runs: not compared',
      baseline: 5,
    });
    const [onlyCurrent] = compareWithBaseline(base, unpriced, { costPerMillionUsd: { worseBy: 0.2 } });
    expect(onlyCurrent).toEqual(expect.objectContaining({ current: 5, compared: false }));
    expect(onlyCurrent).not.toHaveProperty('baseline');
    const [elsewhere] = compareWithBaseline({ ...base, runnerLocation: 'there' }, base, { httpP95Ms: { worseBy: 0.25 } });
    expect(elsewhere).toMatchObject({ baseline: 100, current: 100, compared: false });
  });
});

describe('the pipeline’s figures', () => {
  it('takes the steady part of a phase: without its first 20 % and its last 10 %', () => {
    expect(steadyWindow(10_000, 20_000)).toEqual({ startMs: 12_000, endMs: 19_000 });
  });

  const order = (createdAtMs: number, lagMs?: number): OrderOutcome => ({
    orderId: `o${createdAtMs}`,
    createdAtMs,
    ...(lagMs === undefined ? {} : { decidedAtMs: createdAtMs + lagMs }),
  });

  it('counts the orders accepted from the window’s start up to, not including, its end', () => {
    const outcomes = [order(999, 10), order(1000, 10), order(1500, 10), order(1999, 10), order(2000, 10)];
    expect(throughput(outcomes, { startMs: 1000, endMs: 2000 }).arrivalsPerSecond).toBe(3);
  });

  it('follows the lag: constant keeps up (1), growing by 0.25 s a second decides at 1/1.25 of the arrivals', () => {
    const steady = Array.from({ length: 10 }, (_, i) => order(i * 100, 300));
    expect(throughput(steady, { startMs: 0, endMs: 1000 })).toMatchObject({ ratio: 1, arrivalsPerSecond: 10, decisionsPerSecond: 10 });
    const falling = Array.from({ length: 10 }, (_, i) => order(i * 100, 300 + i * 25));
    expect(throughput(falling, { startMs: 0, endMs: 1000 }).ratio).toBeCloseTo(0.8, 12);
    // All accepted at once: no slope to fit, so it keeps up.
    expect(throughput([order(0, 100), order(0, 900)], { startMs: 0, endMs: 1000 }).ratio).toBe(1);
  });

  it('with half the window or more undecided, gives the share decided; with nothing accepted, 0', () => {
    const half = [order(0, 10), order(100), order(200, 10), order(300)];
    expect(throughput(half, { startMs: 0, endMs: 1000 }).ratio).toBe(1); // two decided of four: enough to fit
    const fewer = [order(0, 10), order(100), order(200), order(300), order(400, 10)];
    expect(throughput(fewer, { startMs: 0, endMs: 1000 }).ratio).toBe(0.4);
    expect(throughput([order(0, 10)], { startMs: 0, endMs: 1000 }).ratio).toBe(1); // one of one: too few to fit, the share
    expect(throughput([], { startMs: 0, endMs: 1000 })).toMatchObject({ ratio: 0, arrivalsPerSecond: 0 });
  });

  it('counts an order decided exactly at its allowance in time', () => {
    const result = decidedInTime([order(0, 1000), order(0, 1001), order(0)], 1000);
    expect(result).toMatchObject({ total: 3, inTime: 1 });
    expect(result.rate).toBeCloseTo(1 / 3, 12);
    expect(result.late.map((o) => o.decidedAtMs)).toEqual([1001, undefined]);
    expect(decidedInTime([], 1000)).toMatchObject({ total: 0, inTime: 0, rate: 0 });
  });

  it('draws no backlog for a run without orders', () => {
    expect(backlogSeries([])).toEqual([]);
  });
});

describe('the cost of a run', () => {
  it('adds every part, and names a consumption with no price', () => {
    const cost = orderCost(
      { writeRequestUnits: 2e6, readRequestUnits: 4e6, lambdaGbSeconds: 10, lambdaRequests: 3e6, fargateVcpuHours: 2, fargateGbHours: 4, albLcuHours: 5 },
      {
        usdPerMillionWriteRequestUnits: 1,
        usdPerMillionReadRequestUnits: 0.5,
        lambdaUsdPerGbSecond: 0.1,
        lambdaUsdPerMillionRequests: 0.2,
        fargateUsdPerVcpuHour: 3,
        fargateUsdPerGbHour: 0.25,
      },
      1000,
    );
    expect(cost.parts).toEqual({ dynamodb: 4, lambda: 1.6, fargate: 7, alb: 0 });
    expect(cost.totalUsd).toBeCloseTo(12.6, 12);
    expect(cost.missing).toEqual(['ALB LCU-hours: no price']);
  });
});

describe('a sign-in answer', () => {
  it('names the status and the start of a body that is not JSON, and Cognito’s error type and message otherwise', () => {
    expect(accessTokenOf(502, `<html>${'x'.repeat(300)}`)).toEqual({ error: `sign-in failed: 502 <html>${'x'.repeat(194)}` });
    expect(accessTokenOf(400, JSON.stringify({ __type: 'NotAuthorizedException', message: 'Incorrect username or password.' }))).toEqual({
      error: 'sign-in failed: 400 NotAuthorizedException Incorrect username or password.',
    });
    expect(accessTokenOf(400, '{}')).toEqual({ error: 'sign-in failed: 400  {}' });
    expect(accessTokenOf(400, JSON.stringify({ AuthenticationResult: { AccessToken: 't' } }))).toMatchObject({
      error: expect.stringMatching(/^sign-in failed: 400/),
    });
  });
});
