import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Baseline } from '../../loadtest/lib/baseline';
import { forkRun, listAnswer, pullRequestRun, REPOSITORY, workflowRun, type RecordedRun } from '../support/ghRuns';
import { npmRun } from '../support/processes';

/**
 * `npm run gate:verdict` and `npm run gate:baseline` as the gate job runs them, on files shaped like k6's
 * summary, the k6 script's run.json and `pulumi stack output --json`, and (for the baseline) a stand-in `gh`.
 * The CloudWatch reading has its own test (cloudwatchUsage.test.ts): these outputs export no `usage`.
 */
let dir: string;
const release = {
  source: { commit: 'c'.repeat(40), tree: 'a'.repeat(40) },
  apiImage: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-api@sha256:${'5e'.repeat(32)}`,
  processorBundle: 'b'.repeat(64),
  builtByRun: '40',
};
const outputs = {
  apiImage: release.apiImage,
  processorBundle: release.processorBundle,
  apiUrl: 'https://orders-stage.example.com',
  userPoolId: 'eu-west-1_abc',
  userPoolClientId: 'app',
  smokeClientId: 'smoke',
  tableName: 't',
  region: 'eu-west-1',
};
const runJson = {
  scenario: 'gate',
  stack: 'stage',
  recordedAt: '2026-11-25T10:00:00.000Z',
  endedAtMs: 0,
  durationMs: 60_000,
  httpP95Ms: 120,
  httpP99Ms: 240,
  e2eP95Ms: 900,
  e2eP99Ms: 1500,
  errorRate: 0.001,
  decisionThroughput: 1,
  ordersCreated: 1200,
  runnerLocation: 'self-hosted eu-west-1',
};
const summary = (ok: boolean) => ({
  metrics: {
    http_req_duration: { values: { 'p(95)': 120 }, thresholds: { 'p(95)<300': { ok: true } } },
    order_decided: { values: { rate: ok ? 1 : 0.5 }, thresholds: { 'rate>=0.995': { ok } } },
  },
});

const verdict = () =>
  npmRun('gate:verdict', [
    '--stack',
    'stage',
    '--outputs',
    path.join(dir, 'outputs.json'),
    '--release',
    path.join(dir, 'release.json'),
    '--results',
    path.join(dir, 'results'),
  ]);

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'verdict-'));
  mkdirSync(path.join(dir, 'results'));
  writeFileSync(path.join(dir, 'outputs.json'), JSON.stringify(outputs));
  writeFileSync(path.join(dir, 'release.json'), JSON.stringify(release));
  writeFileSync(path.join(dir, 'results/run.json'), JSON.stringify(runJson));
  writeFileSync(path.join(dir, 'results/summary.json'), JSON.stringify(summary(true)));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run gate:verdict', () => {
  it('passes a first run on its thresholds alone, and makes it the next baseline', async () => {
    const result = await verdict();
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain('no baseline: this first run of gate on stage is judged on the absolute thresholds alone');
    expect(result.output).toContain('cost: not measured');
    const next = JSON.parse(readFileSync(path.join(dir, 'results/baseline-stage-gate.json'), 'utf8')) as Baseline;
    expect(next).toEqual({
      scenario: 'gate',
      stack: 'stage',
      recordedAt: runJson.recordedAt,
      httpP95Ms: 120,
      httpP99Ms: 240,
      e2eP95Ms: 900,
      e2eP99Ms: 1500,
      decisionThroughput: 1,
      errorRate: 0.001,
      runnerLocation: 'self-hosted eu-west-1',
    });
    expect(readFileSync(path.join(dir, 'results/junit.xml'), 'utf8')).toContain('tests="2" failures="0"');
    // The verdict names the release it judged: what promotion to the next stack hands on.
    expect(JSON.parse(readFileSync(path.join(dir, 'results/verdict.json'), 'utf8'))).toMatchObject({ stack: 'stage', passed: true, release });
  }, 30_000);

  it('refuses to judge a stack that does not run the release it is given', async () => {
    writeFileSync(path.join(dir, 'outputs.json'), JSON.stringify({ ...outputs, apiImage: release.apiImage.replace('5e5e', '0000') }));
    const result = await verdict();
    expect(result.code).toBe(1);
    expect(result.output).toContain('not the release under judgement');
    expect(existsSync(path.join(dir, 'results/verdict.json'))).toBe(false);
  }, 30_000);

  it('fails against a baseline twice as good, with a JUnit case per regressed figure, and keeps the old baseline', async () => {
    const { ordersCreated: _o, endedAtMs: _e, durationMs: _d, ...figures } = runJson;
    const doctored = { ...figures, httpP95Ms: 60, httpP99Ms: 120, e2eP95Ms: 450, e2eP99Ms: 750, decisionThroughput: 2 };
    writeFileSync(path.join(dir, 'results/baseline.json'), JSON.stringify(doctored));
    const result = await verdict();
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/FAIL baseline decisionThroughput: worse by 50\.0 %/);
    // A failed verdict is kept, and says so: promotion passes it over.
    expect(JSON.parse(readFileSync(path.join(dir, 'results/verdict.json'), 'utf8'))).toMatchObject({ passed: false, release });
    const junit = readFileSync(path.join(dir, 'results/junit.xml'), 'utf8');
    for (const figure of ['httpP95Ms', 'httpP99Ms', 'e2eP95Ms', 'e2eP99Ms', 'decisionThroughput'])
      expect(junit).toContain(`name="baseline ${figure}"><failure`);
    expect(existsSync(path.join(dir, 'results/baseline-stage-gate.json'))).toBe(false);
  }, 30_000);

  it('from a runner elsewhere, skips HTTP latency against a baseline twice as good and says why; the rest still counts', async () => {
    const { ordersCreated: _o, endedAtMs: _e, durationMs: _d, ...figures } = runJson;
    // Recorded from another place, with HTTP figures this run's round trip could never reach.
    writeFileSync(
      path.join(dir, 'results/baseline.json'),
      JSON.stringify({ ...figures, runnerLocation: 'self-hosted us-east-1', httpP95Ms: 30, httpP99Ms: 60 }),
    );
    const passed = await verdict();
    expect(passed.code).toBe(0);
    const why = "HTTP latency not compared: this run's runner (self-hosted eu-west-1) is not where the baseline's was (self-hosted us-east-1)";
    expect(passed.output).toContain(`skip baseline httpP95Ms: ${why}`);
    const junit = readFileSync(path.join(dir, 'results/junit.xml'), 'utf8');
    for (const figure of ['httpP95Ms', 'httpP99Ms']) expect(junit).toContain(`name="baseline ${figure}"><skipped message="${why}"/>`);
    const written = JSON.parse(readFileSync(path.join(dir, 'results/verdict.json'), 'utf8')) as { current: Baseline; baseline: Baseline };
    expect([written.current.runnerLocation, written.baseline.runnerLocation]).toEqual(['self-hosted eu-west-1', 'self-hosted us-east-1']);
    // The figures the stack measures itself are compared wherever the runner ran: a worse decision rate still fails.
    writeFileSync(path.join(dir, 'results/baseline.json'), JSON.stringify({ ...figures, runnerLocation: 'self-hosted us-east-1', decisionThroughput: 2 }));
    const failed = await verdict();
    expect(failed.code).toBe(1);
    expect(failed.output).toMatch(/FAIL baseline decisionThroughput: worse by 50\.0 %/);
  }, 60_000);

  it('never records a run whose k6 thresholds failed as a baseline', async () => {
    writeFileSync(path.join(dir, 'results/summary.json'), JSON.stringify(summary(false)));
    expect((await verdict()).code).toBe(1);
    expect(existsSync(path.join(dir, 'results/baseline-stage-gate.json'))).toBe(false);
  }, 30_000);
});

describe('npm run gate:baseline', () => {
  /** `gh api …/runs` lists `runs`; `gh run download <id>` serves runs/<id>/ when the run has a k6-gate artifact. */
  function fakeGh(runs: RecordedRun[]) {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(
      path.join(bin, 'gh'),
      `#!/bin/sh
case "$1 $2" in
  "api --method") echo '${listAnswer(runs)}' ;;
  "run download") [ -d "${dir}/runs/$3" ] || exit 1; cp -R "${dir}/runs/$3/." "$7/" ;;
  *) exit 2 ;;
esac
`,
    );
    chmodSync(path.join(bin, 'gh'), 0o755);
    return { PATH: `${bin}:${process.env.PATH}`, GITHUB_REPOSITORY: REPOSITORY };
  }
  /** The `k6-gate-stage` artifact of a run, holding a baseline that names the run. */
  const withBaseline = (runId: string) => {
    mkdirSync(path.join(dir, 'runs', runId), { recursive: true });
    writeFileSync(path.join(dir, 'runs', runId, 'baseline-stage-gate.json'), JSON.stringify({ ...runJson, from: `run ${runId}` }));
  };
  const baseline = (env: NodeJS.ProcessEnv) =>
    npmRun('gate:baseline', ['--stack', 'stage', '--scenario', 'gate', '--out', path.join(dir, 'results/baseline.json')], env);

  it('takes the baseline from the newest green run whose artifact has one', async () => {
    withBaseline('41');
    const result = await baseline(fakeGh([workflowRun(42, 'stage'), workflowRun(41, 'stage')]));
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain('baseline: baseline-stage-gate.json from run 41');
    expect(JSON.parse(readFileSync(path.join(dir, 'results/baseline.json'), 'utf8')).from).toBe('run 41');
  }, 30_000);

  it("passes over a pull request's run and a fork's run of a branch named stage, green gate and baseline notwithstanding", async () => {
    for (const id of ['44', '43', '41']) withBaseline(id);
    const result = await baseline(fakeGh([pullRequestRun(44, 'stage'), forkRun(43, 'stage'), workflowRun(41, 'stage')]));
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain('baseline: baseline-stage-gate.json from run 41');
    expect(JSON.parse(readFileSync(path.join(dir, 'results/baseline.json'), 'utf8')).from).toBe('run 41');
    // Alone, they plant nothing: the gate judges on its absolute thresholds.
    rmSync(path.join(dir, 'bin'), { recursive: true });
    rmSync(path.join(dir, 'results/baseline.json'));
    const alone = await baseline(fakeGh([pullRequestRun(44, 'stage'), forkRun(43, 'stage')]));
    expect(alone).toMatchObject({ code: 0 });
    expect(alone.output).toContain('baseline: none among the last 0 green runs of stage');
    expect(existsSync(path.join(dir, 'results/baseline.json'))).toBe(false);
  }, 60_000);

  it('is content with no green run yet: the gate then judges on absolute thresholds', async () => {
    const result = await baseline(fakeGh([]));
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain('baseline: none among the last 0 green runs of stage');
  }, 30_000);
});
