import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FLASH_SALE, LOADTEST_PRODUCTS } from '../../loadtest/lib/catalog';
import {
  createBody,
  endToEndMs,
  expectedFlashStock,
  expectedRequests,
  gateScenario,
  isFlashSale,
  k6Options,
  orderBody,
  parseDuration,
  pickOperation,
  rateSteps,
  totalDurationMs,
  type LoadConfig,
} from '../../loadtest/lib/config';
import { accessTokenOf, cognitoEndpoint, signInRequest } from '../../loadtest/lib/signIn';
import { evaluateThresholds, junitXml, k6ThresholdResults, percentile } from '../../loadtest/lib/stats';
import { htmlReport, summarise } from '../../loadtest/local/report';

const config = JSON.parse(readFileSync(path.resolve(__dirname, '../../loadtest/scenarios.json'), 'utf8')) as LoadConfig;

describe('scenario data', () => {
  it.each(Object.keys(config.scenarios))('scenario %s builds valid k6 options for every stack', (name) => {
    for (const stack of ['local', 'development', 'stage', 'main']) {
      const options = k6Options(config, name, stack);
      const scenario = options.scenarios[name] as Record<string, unknown>;
      expect(scenario.exec).toBe('traffic');
      expect(scenario.executor === 'constant-arrival-rate' ? scenario.duration : scenario.stages).toBeDefined();
      expect(options.thresholds.http_req_duration).toEqual([`p(95)<${config.thresholds[stack]!.p95Ms}`, `p(99)<${config.thresholds[stack]!.p99Ms}`]);
      expect(options.thresholds.http_req_failed[1]).toMatchObject({ abortOnFail: true });
      expect(totalDurationMs(config.scenarios[name]!)).toBeGreaterThan(0);
    }
  });

  it('gets stricter from development to main', () => {
    const [dev, stage, main] = ['development', 'stage', 'main'].map((s) => config.thresholds[s]!);
    expect(dev!.p95Ms).toBeGreaterThanOrEqual(stage!.p95Ms);
    expect(stage!.p95Ms).toBeGreaterThanOrEqual(main!.p95Ms);
    expect(stage!.httpReqFailedRate).toBeGreaterThanOrEqual(main!.httpReqFailedRate);
  });

  it('gates development and stage, and never main (no synthetic load on production)', () => {
    expect(gateScenario(config, 'development')).toBe('gate');
    expect(gateScenario(config, 'stage')).toBe('gate');
    expect(gateScenario(config, 'main')).toBeUndefined();
    expect(gateScenario(config, '$comment')).toBeUndefined();
    expect(() => gateScenario({ ...config, gates: { stage: 'nope' } }, 'stage')).toThrow("gates.stage names unknown scenario 'nope'");
  });

  it('orders only the gate’s own products', () => {
    const skus = new Set(Array.from({ length: 30 }, (_, i) => (JSON.parse(orderBody(i / 30)) as { items: Array<{ sku: string }> }).items[0]!.sku));
    expect([...skus].sort()).toEqual(LOADTEST_PRODUCTS.map((p) => p.sku).sort());
    expect(JSON.parse(orderBody(0.9999999))).toEqual({ items: [{ sku: LOADTEST_PRODUCTS[LOADTEST_PRODUCTS.length - 1]!.sku, quantity: 1 }] });
  });

  it('refuses unknown scenarios and stacks', () => {
    expect(() => k6Options(config, 'nope', 'main')).toThrow("unknown scenario 'nope'");
    expect(() => k6Options(config, 'smoke', 'prod')).toThrow("no thresholds for stack 'prod'");
  });
});

describe('the k6 sign-in request', () => {
  it('is Cognito’s InitiateAuth with USER_PASSWORD_AUTH, at the region’s endpoint unless overridden', () => {
    expect(cognitoEndpoint('eu-west-1')).toBe('https://cognito-idp.eu-west-1.amazonaws.com/');
    expect(cognitoEndpoint('eu-west-1', 'http://127.0.0.1:9229/')).toBe('http://127.0.0.1:9229/');
    const request = signInRequest('https://cognito-idp.eu-west-1.amazonaws.com/', 'client', 'u@example.com', 'pw');
    expect(request.headers).toEqual({ 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth' });
    expect(JSON.parse(request.body)).toEqual({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: 'client',
      AuthParameters: { USERNAME: 'u@example.com', PASSWORD: 'pw' },
    });
  });

  it('reads a token, and names a challenge or an error instead of passing on an empty token', () => {
    expect(accessTokenOf(200, JSON.stringify({ AuthenticationResult: { AccessToken: 'abc' } }))).toEqual({ token: 'abc' });
    expect(accessTokenOf(200, JSON.stringify({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's' }))).toEqual({
      error: expect.stringContaining('NEW_PASSWORD_REQUIRED'),
    });
    expect(accessTokenOf(400, JSON.stringify({ __type: 'NotAuthorizedException', message: 'Incorrect username or password.' }))).toEqual({
      error: 'sign-in failed: 400 NotAuthorizedException Incorrect username or password.',
    });
    expect(accessTokenOf(502, '<html>bad gateway</html>')).toEqual({ error: 'sign-in failed: 502 <html>bad gateway</html>' });
  });
});

describe('helpers', () => {
  it('parses k6 durations', () => {
    expect([parseDuration('500ms'), parseDuration('30s'), parseDuration('1m'), parseDuration('1.5h')]).toEqual([500, 30_000, 60_000, 5_400_000]);
    expect(() => parseDuration('10 minutes')).toThrow('not a duration');
  });

  it('turns a ramp into steps at the mean rate of each stage', () => {
    expect(
      rateSteps({
        description: '',
        executor: 'ramping-arrival-rate',
        mix: {},
        rate: 10,
        stages: [
          { target: 30, duration: '10s' },
          { target: 30, duration: '5s' },
        ],
        preAllocatedVUs: 1,
        maxVUs: 1,
      }),
    ).toEqual([
      { rate: 20, durationMs: 10_000 },
      { rate: 30, durationMs: 5_000 },
    ]);
  });

  it('picks operations in proportion to the mix', () => {
    const mix = { create: 4, flash: 1, get: 3, list: 2 };
    const counts = { create: 0, flash: 0, get: 0, list: 0 };
    for (let i = 0; i < 1000; i++) counts[pickOperation(mix, i / 1000)]++;
    expect(counts).toEqual({ create: 400, flash: 100, get: 300, list: 200 });
    expect(pickOperation({ create: 1 }, 0.999)).toBe('create');
  });

  it('expects a flash sale to sell out exactly when orders outnumber units, and never below zero', () => {
    expect(expectedFlashStock(500, 790)).toBe(0);
    expect(expectedFlashStock(500, 200)).toBe(300);
    expect(isFlashSale(config.scenarios['flash-sale']!)).toBe(true);
    expect(
      Object.entries(config.scenarios)
        .filter(([, s]) => isFlashSale(s))
        .map(([name]) => name),
    ).toEqual(['flash-sale']);
    // Only a flash sale carries the stock check; the gate's thresholds are as before.
    expect(k6Options(config, 'flash-sale', 'stage').thresholds).toHaveProperty('flash_sale_stock_mismatch', ['count<1']);
    expect(k6Options(config, 'gate', 'stage').thresholds).not.toHaveProperty('flash_sale_stock_mismatch');
    expect(JSON.parse(createBody('flash', 0.5))).toEqual({ items: [{ sku: FLASH_SALE.product.sku, quantity: 1 }] });
    // k6's drain follows every order the run can create: 4,000 here, past the 2,000 floor.
    expect(expectedRequests(config.scenarios['flash-sale']!)).toBe(4000);
  });

  it('measures accepted → decided from the order’s own history', () => {
    const order = {
      createdAt: '2026-01-01T00:00:00.000Z',
      status: 'CANCELLED',
      history: [
        { status: 'PENDING', at: '2026-01-01T00:00:00.000Z' },
        { status: 'CONFIRMED', at: '2026-01-01T00:00:00.240Z' },
        { status: 'CANCELLED', at: '2026-01-01T00:00:09.000Z' },
      ],
    };
    expect(endToEndMs(order)).toBe(240);
    expect(endToEndMs({ ...order, history: order.history.slice(0, 1) })).toBeUndefined();
  });

  it('computes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect([percentile(values, 50), percentile(values, 95), percentile(values, 99), percentile(values, 100)]).toEqual([50, 95, 99, 100]);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('threshold evaluation and reports', () => {
  const thresholds = config.thresholds.local!;
  const good = { requests: 100, failed: 0, latenciesMs: Array(100).fill(20), e2eMs: Array(10).fill(300) };

  it('passes a healthy run and fails each breach on its own', () => {
    expect(evaluateThresholds(good, thresholds).every((r) => r.ok)).toBe(true);
    const failing = (stats: typeof good) =>
      evaluateThresholds(stats, thresholds)
        .filter((r) => !r.ok)
        .map((r) => `${r.metric} ${r.threshold}`);
    expect(failing({ ...good, failed: 5 })).toEqual([`http_req_failed rate<${thresholds.httpReqFailedRate}`]);
    expect(failing({ ...good, latenciesMs: [...Array(90).fill(20), ...Array(10).fill(thresholds.p99Ms + 1)] })).toEqual([
      `http_req_duration p(95)<${thresholds.p95Ms}`,
      `http_req_duration p(99)<${thresholds.p99Ms}`,
    ]);
    expect(failing({ ...good, e2eMs: [] })).toEqual([`order_e2e_latency p(95)<${thresholds.e2eP95Ms}`, `order_e2e_latency p(99)<${thresholds.e2eP99Ms}`]);
  });

  it('writes JUnit with one case per threshold and a failure for each breach', () => {
    const xml = junitXml('k6 gate on stage', evaluateThresholds({ ...good, failed: 50 }, thresholds));
    expect(xml).toContain('tests="5" failures="1"');
    expect(xml).toContain('<failure message="http_req_failed was 0.5"/>');
  });

  it('reads k6’s summary thresholds', () => {
    const results = k6ThresholdResults({
      metrics: { http_req_duration: { values: { 'p(95)': 120 }, thresholds: { 'p(95)<300': { ok: true } } }, iterations: { values: { count: 3 } } },
    });
    expect(results).toEqual([{ metric: 'http_req_duration', threshold: 'p(95)<300', value: 120, ok: true }]);
  });

  it('renders a self-contained HTML report: Chart.js inlined, latency, decisions against arrivals, backlog, percentiles, baseline table', () => {
    const samples = Array.from({ length: 50 }, (_, i) => ({ t: i * 100, ms: 10 + i, status: i === 7 ? 500 : 202 }));
    const outcomes = [
      { orderId: 'a', createdAtMs: 0, decidedAtMs: 200 },
      { orderId: 'b', createdAtMs: 1000, decidedAtMs: 1300 },
      { orderId: 'c', createdAtMs: 1500 },
    ];
    const comparisons = [
      { figure: 'httpP95Ms' as const, baseline: 20, current: 40, change: 1, tolerance: { worseBy: 0.25 }, ok: false, compared: true, note: 'worse by 100.0 %' },
    ];
    const html = htmlReport(
      {
        scenario: 'smoke',
        stack: 'local',
        url: 'http://x',
        startedAt: '2026',
        durationMs: 5000,
        requests: 50,
        failed: 1,
        throughputPerSecond: 10,
        latencyMs: summarise(samples.map((s) => s.ms)),
        e2eMs: { ...summarise([200, 300]), orders: 2, undecided: 1 },
        thresholds: evaluateThresholds(good, thresholds),
        comparisons,
        baseline: 'Compared with the run of yesterday.',
        undecided: ['c'],
        decisions: { arrivalsPerSecond: 1, decisionsPerSecond: 1, ratio: 1 },
        passed: false,
      },
      samples,
      outcomes,
    );
    expect(html).toMatch(/Chart\.js v4/); // the library itself, inlined: the file opens offline
    expect(html).not.toMatch(/<script src=/);
    expect(html.match(/<canvas /g)).toHaveLength(3);
    const data = JSON.parse(/const data = (.*);\n/.exec(html)![1]!);
    expect(data.latency).toHaveLength(50);
    expect(data.perSecond.map((p: { backlog: number }) => p.backlog)).toEqual([1, 1, 1]);
    expect(data.percentiles).toHaveLength(101);
    expect(html).toContain('<td>httpP95Ms</td><td>20</td><td>40</td><td>100.0 %</td><td>worse by 100.0 %</td><td class="fail">FAIL</td>');
    expect(html).toContain('Undecided after the drain');
  });

  it('JUnit carries one case per baseline comparison, naming the figure and how much it regressed', () => {
    const xml = junitXml('gate', evaluateThresholds(good, thresholds), [
      { figure: 'e2eP95Ms', baseline: 300, current: 900, ok: false, note: 'worse by 200.0 % (allowed 25.0 %)' },
      { figure: 'decisionThroughput', baseline: 1, current: 1, ok: true, note: 'better or equal by 0.0 %' },
    ]);
    expect(xml).toContain('tests="7" failures="1"');
    expect(xml).toContain('name="baseline e2eP95Ms"><failure message="e2eP95Ms 900 against 300: worse by 200.0 % (allowed 25.0 %)"/>');
  });

  it('JUnit reports a comparison that was not made as skipped, with the reason', () => {
    const note = "HTTP latency not compared: this run's runner (self-hosted us-east-1) is not where the baseline's was (self-hosted eu-west-1)";
    const xml = junitXml('gate', evaluateThresholds(good, thresholds), [
      { figure: 'httpP95Ms', baseline: 100, current: 400, ok: true, compared: false, note },
      { figure: 'e2eP95Ms', baseline: 300, current: 310, ok: true, compared: true, note: 'worse by 3.3 % (allowed 25.0 %)' },
    ]);
    expect(xml).toContain('tests="7" failures="0" skipped="1"');
    expect(xml).toContain(`name="baseline httpP95Ms"><skipped message="${note}"/></testcase>`);
    expect(xml).toContain('name="baseline e2eP95Ms"/>');
  });
});
