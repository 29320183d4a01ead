import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateWorkflow, type ValidationError } from '@action-validator/core';
import { dump, load } from 'js-yaml';

/**
 * The CI/CD definition, checked offline: against the GitHub workflow JSON schema (SchemaStore's, bundled in
 * action-validator's WASM build, which also resolves `needs`), and for the flow it promises:
 * test → release → plan → deploy → k6 gate → promotion PR, previews on pull requests, hotfix PRs to stage.
 */
const ROOT = path.resolve(__dirname, '../..');
const FILE = path.join(ROOT, '.github/workflows/pipeline.yml');
const source = readFileSync(FILE, 'utf8');

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  'runs-on'?: string;
  permissions?: Record<string, string>;
  environment?: string | { name: string; url?: string };
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  outputs?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  concurrency: { group: string; 'cancel-in-progress': string | boolean };
  on: { push: { branches: string[] }; pull_request: { branches: string[] }; workflow_dispatch: unknown };
  jobs: Record<string, Job>;
}

/** Every leaf error of action-validator's nested oneOf states, one readable line each. */
function problems(yaml: string): string[] {
  const lines: string[] = [];
  const walk = (errors: ValidationError[]) => {
    for (const error of errors) {
      const nested = 'states' in error ? error.states : undefined;
      if (nested?.length) for (const state of nested) walk(state.errors);
      else {
        const where =
          'path' in error ? error.path || '/' : 'location' in error && error.location ? `line ${error.location.line}:${error.location.column}` : '/';
        lines.push(`${where}: ${error.title}${error.detail ? ` (${error.detail})` : ''}`);
      }
    }
  };
  walk(validateWorkflow(yaml).errors);
  return [...new Set(lines)];
}

const parse = (yaml: string) => load(yaml) as Workflow;
const workflow = parse(source);
const job = (name: string): Job => {
  const found = workflow.jobs[name];
  if (!found) throw new Error(`pipeline.yml has no job '${name}'`);
  return found;
};
const needsOf = (name: string) => [job(name).needs ?? []].flat();
const stepRunning = (name: string, pattern: RegExp) => job(name).steps.find((step) => step.run && pattern.test(step.run));
const pulumiSteps = (name: string, command: string) =>
  job(name).steps.filter((step) => step.uses?.startsWith('pulumi/actions@') && step.with?.command === command);
const rolesOf = (name: string) =>
  job(name)
    .steps.filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))
    .map((s) => s.with?.['role-to-assume']);
/** The stack a job works on: a pull request's base branch, the pushed branch otherwise. */
const BASE = '${{ github.base_ref }}';
const PUSHED = '${{ github.ref_name }}';
/** The CI identities' role names (infra/ci/names.ts), in the account the repository variable names. */
const role = (name: string) => `arn:aws:iam::\${{ vars.AWS_ACCOUNT_ID }}:role/${name}`;
const previewRole = (stack: string) => role(`orders-ci-${stack}-preview`);
const deployRole = (stack: string) => role(`orders-ci-${stack}-deploy`);
const RELEASE_ROLE = role('orders-ci-release');
/** Steps that use `action` (owner/repo), whatever it is pinned to. */
const using = (name: string, action: string) => job(name).steps.filter((s) => s.uses?.startsWith(`${action}@`));
/** A copy of the workflow with one deliberate mistake, as YAML. */
const broken = (mutate: (copy: Workflow) => void) => {
  const copy = parse(source);
  mutate(copy);
  return dump(copy);
};

describe('.github/workflows/pipeline.yml', () => {
  describe('schema', () => {
    it('is a valid GitHub Actions workflow', () => {
      expect(problems(source)).toEqual([]);
    });

    it('the validator rejects a job with an unknown key', () => {
      const yaml = broken((copy) => Object.assign(copy.jobs.test!, { 'runs-onn': 'ubuntu-latest' }));
      expect(problems(yaml).join('\n')).toContain("Additional property 'runs-onn' is not allowed");
    });

    it('the validator rejects a step with neither run nor uses', () => {
      const at = job('gate').steps.length;
      const found = problems(broken((copy) => copy.jobs.gate!.steps.push({ name: 'does nothing' })));
      expect(found).toContain(`/jobs/gate/steps/${at}/run: This property is required`);
      expect(found).toContain(`/jobs/gate/steps/${at}/uses: This property is required`);
    });

    it('the validator rejects needs on a job that does not exist', () => {
      const yaml = broken((copy) => (copy.jobs.gate!.needs = 'deploy-prod'));
      expect(problems(yaml).join('\n')).toContain('unresolved job deploy-prod');
    });

    it('the validator rejects YAML that does not parse', () => {
      expect(problems(`${source}\n  broken: [\n`).join('\n')).toMatch(/Parse Error/);
    });
  });

  describe('triggers', () => {
    it('runs on pushes to the stack branches and hotfix branches, PRs to the stack branches, and by hand', () => {
      expect(workflow.on.push.branches).toEqual(expect.arrayContaining(['development', 'stage', 'main', 'hotfix/**']));
      expect(workflow.on.pull_request.branches).toEqual(expect.arrayContaining(['development', 'stage', 'main']));
      expect(workflow.on).toHaveProperty('workflow_dispatch');
    });
  });

  describe('flow', () => {
    it('chains test → release → plan → deploy → gate → promote, with preview and hotfix-pr after test', () => {
      expect(needsOf('test')).toEqual([]);
      expect(needsOf('preview')).toEqual(['test']);
      expect(needsOf('release')).toEqual(['test']);
      expect(needsOf('plan')).toEqual(['release']);
      expect(needsOf('deploy')).toEqual(['release', 'plan']);
      expect(needsOf('gate')).toEqual(['deploy']);
      expect(needsOf('promote')).toEqual(['gate']);
      expect(needsOf('hotfix-pr')).toEqual(['test']);
    });

    it('tests with Node 22, Java 17 and .ci/run (type check, lint, npm test), and keeps any results', () => {
      const { steps } = job('test');
      expect(steps.map((step) => step.uses?.replace(/@.*/, ''))).toEqual(
        expect.arrayContaining(['actions/checkout', 'actions/setup-node', 'actions/setup-java', 'actions/upload-artifact']),
      );
      expect(steps.find((step) => step.uses?.startsWith('actions/setup-node@'))?.with).toMatchObject({ 'node-version': 22, cache: 'npm' });
      expect(steps.find((step) => step.uses?.startsWith('actions/setup-java@'))?.with).toMatchObject({ distribution: 'temurin', 'java-version': '17' });
      expect(stepRunning('test', /bash \.ci\/run/)).toBeDefined();
      const ci = readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
      for (const command of ['npm run typecheck', 'npm run lint', 'npm test']) expect(ci).toContain(command);
      expect(steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'))).toMatchObject({
        if: 'always()',
        with: { 'if-no-files-found': 'ignore' },
      });
    });

    it('previews pull requests into development and stage on the base stack, read-only, the diff in the job summary', () => {
      const preview = job('preview');
      // Both conditions, joined by `&&`: a pull request into main never gets here, so its code never runs with
      // main's preview role (main's state and secrets). Main's diff is the plan job's, before its approval.
      expect(preview.if!.split('&&').map((c) => c.trim())).toEqual(["github.event_name == 'pull_request'", "github.base_ref != 'main'"]);
      expect(workflow.on.pull_request.branches).toContain('main'); // pull requests into main are still tested
      expect(preview.environment).toBeUndefined();
      // Nothing written to the pull request: no pull-requests scope, and the diff goes to the job summary.
      expect(preview.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
      const [step, ...others] = pulumiSteps('preview', 'preview');
      expect(others).toEqual([]);
      expect(step!.with).toMatchObject({ 'stack-name': BASE, diff: true, policyPacks: 'infra/policy', 'comment-on-summary': true });
      expect(step!.with).not.toHaveProperty('comment-on-pr');
      expect(step!.env).toBeUndefined();
      expect(rolesOf('preview')).toEqual([previewRole(BASE)]);
    });

    it('plans pushes before any approval: preview with the policy pack, saved as an update plan', () => {
      const plan = job('plan');
      const release = job('release');
      expect(release.if).toContain("github.event_name == 'push'");
      for (const branch of ['development', 'stage', 'main']) expect(release.if).toContain(`github.ref == 'refs/heads/${branch}'`);
      expect(release.if).not.toContain('hotfix');
      expect(plan.environment).toBeUndefined();
      expect(rolesOf('plan')).toEqual([previewRole(PUSHED)]);
      const [step] = pulumiSteps('plan', 'preview');
      expect(step!.with).toMatchObject({ 'stack-name': PUSHED, diff: true, policyPacks: 'infra/policy', plan: 'plan.json' });
      const upload = plan.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
      expect(upload?.with).toMatchObject({ name: 'plan-${{ github.ref_name }}', path: 'plan.json', 'if-no-files-found': 'error' });
      expect(plan.steps.indexOf(step!)).toBeLessThan(plan.steps.indexOf(upload!));
    });

    it('deploys exactly the approved plan in the branch environment with the deploy role', () => {
      const deploy = job('deploy');
      expect(deploy.environment).toMatchObject({ name: '${{ github.ref_name }}' });
      expect(deploy.permissions).toMatchObject({ 'id-token': 'write', contents: 'read' });
      expect(rolesOf('deploy')).toEqual([deployRole(PUSHED)]);
      const planName = job('plan').steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!.with!.name;
      // This run's plan: no run-id, so never another push's.
      const download = deploy.steps.find((s) => s.uses?.startsWith('actions/download-artifact@') && s.with?.name === planName);
      expect(download?.with).toEqual({ name: planName });
      const [up, ...more] = pulumiSteps('deploy', 'up');
      expect(more).toEqual([]);
      expect(up!.with).toMatchObject({ 'stack-name': '${{ github.ref_name }}', plan: pulumiSteps('plan', 'preview')[0]!.with!.plan });
      expect(deploy.steps.indexOf(download!)).toBeLessThan(deploy.steps.indexOf(up!));
      expect(pulumiSteps('deploy', 'preview')).toEqual([]);
    });

    it('never lets one push plan or deploy a stack while another push of that branch does', () => {
      // GitHub runs at most one run per concurrency group; a job-level group would let another run's job in between
      // this run's plan and deploy, which would then apply a plan made against a stack that has since moved.
      expect(workflow.concurrency.group).toContain("format('stack-{0}', github.ref_name)");
      expect(workflow.concurrency.group).toContain("github.event_name == 'pull_request' && format('pr-{0}', github.event.pull_request.number)");
      // A running `pulumi up` is never cancelled (it would leave the stack locked): only pull requests cancel.
      expect(workflow.concurrency['cancel-in-progress']).toBe("${{ github.event_name == 'pull_request' }}");
      for (const [name, j] of Object.entries(workflow.jobs)) expect({ name, concurrency: j.concurrency }).toEqual({ name, concurrency: undefined });
    });

    it('builds once: development builds and pushes the image by digest and the bundle; stage and main promote', () => {
      const release = job('release');
      expect(release['runs-on']).toMatch(/-arm$/);
      expect(release.permissions).toEqual({ 'id-token': 'write', contents: 'read', actions: 'read' });
      const promoted = stepRunning('release', /release:promoted/)!;
      expect(promoted.run!.trim()).toBe('npm run --silent release:promoted -- --stack "$STACK" --out release.json');
      expect(promoted.if).toBe("github.ref_name != 'development'");
      const build = release.steps.find((s) => s.uses?.startsWith('docker/build-push-action@'))!;
      expect(build.with).toMatchObject({ file: 'service/Dockerfile', platforms: 'linux/arm64', push: true });
      const manifest = stepRunning('release', /release:manifest/)!;
      expect(manifest.env!.IMAGE).toBe(`\${{ vars.RELEASE_REGISTRY }}/orders-api@\${{ steps.${build.id}.outputs.digest }}`);
      // Every build step is skipped on main, and wherever the previous stack's release was found.
      const buildSteps = release.steps.slice(release.steps.indexOf(promoted) + 1, release.steps.indexOf(manifest) + 1);
      for (const step of buildSteps) expect(step.if).toBe("github.ref_name != 'main' && steps.promoted.outputs.found != 'true'");
      expect(rolesOf('release')).toEqual([RELEASE_ROLE]);
      expect(release.outputs).toEqual({
        apiImage: '${{ steps.promoted.outputs.apiImage || steps.manifest.outputs.apiImage }}',
        processorBundle: '${{ steps.promoted.outputs.processorBundle || steps.manifest.outputs.processorBundle }}',
      });
      const upload = release.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
      expect(upload.with).toMatchObject({ name: 'release', 'if-no-files-found': 'error' });
      expect(String(upload.with!.path).trim().split('\n')).toEqual(['release.json', 'dist/processor']);
    });

    it('plans, deploys and judges the release: its digests as stack config, its bundle downloaded, nothing built', () => {
      const configMap = (step: Step | undefined) => String(step?.with?.['config-map'] ?? '');
      for (const [name, command] of [
        ['plan', 'preview'],
        ['deploy', 'up'],
      ] as const) {
        const [step] = pulumiSteps(name, command);
        expect(configMap(step)).toContain('orders:apiImage: { value: "${{ needs.release.outputs.apiImage }}", secret: false }');
        expect(configMap(step)).toContain('orders:processorBundle: { value: "${{ needs.release.outputs.processorBundle }}", secret: false }');
        const download = job(name).steps.find((s) => s.uses?.startsWith('actions/download-artifact@') && s.with?.name === 'release');
        expect(job(name).steps.indexOf(download!)).toBeLessThan(job(name).steps.indexOf(step!));
      }
      const [preview] = pulumiSteps('preview', 'preview');
      expect(configMap(preview)).toContain('orders:apiImage: { value: "${{ steps.release.outputs.apiImage }}", secret: false }');
      // Only the release job builds or pushes an image.
      for (const name of Object.keys(workflow.jobs).filter((n) => n !== 'release')) {
        expect({ name, docker: job(name).steps.filter((s) => s.uses?.startsWith('docker/')).length }).toEqual({ name, docker: 0 });
      }
      expect(stepRunning('gate', /gate:verdict/)!.run).toContain('--release release.json');
      expect(job('gate').steps.some((s) => s.uses?.startsWith('actions/download-artifact@') && s.with?.name === 'release')).toBe(true);
    });

    it('after pulumi up: outputs as JSON, bootstrap, smoke, then what the gate needs, all npm scripts', () => {
      const { steps } = job('deploy');
      const [up] = pulumiSteps('deploy', 'up');
      const order = [
        /^pulumi stack output --json --stack "\$STACK" > stack-outputs\.json$/,
        /^npm run stack:bootstrap -- --stack "\$STACK" --outputs stack-outputs\.json$/,
        /^npm run stack:smoke -- --stack "\$STACK" --outputs stack-outputs\.json$/,
        /^npm run --silent gate:prepare -- --stack "\$STACK" --outputs stack-outputs\.json$/,
      ].map((pattern) => steps.findIndex((s) => pattern.test(s.run?.trim() ?? '')));
      expect(order.every((at) => at > steps.indexOf(up!))).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      for (const at of order.slice(1)) expect(steps[at]!.env!.STACK).toBe('${{ github.ref_name }}');
      expect(steps[order[1]!]!.env).toMatchObject({
        LOADTEST_USERNAME: '${{ secrets.LOADTEST_USERNAME }}',
        LOADTEST_PASSWORD: '${{ secrets.LOADTEST_PASSWORD }}',
      });
      const prepare = steps[order[3]!]!;
      expect(job('deploy').outputs).toEqual(
        Object.fromEntries(['scenario', 'apiUrl', 'loadTestClientId', 'region'].map((key) => [key, `\${{ steps.${prepare.id}.outputs.${key} }}`])),
      );
    });

    it('gates with k6 only where gate:prepare named a scenario, secrets in the environment, results kept', () => {
      const gate = job('gate');
      expect(gate.if).toBe("needs.deploy.outputs.scenario != ''");
      expect(gate.steps.find((step) => step.uses?.startsWith('grafana/setup-k6-action@'))?.with?.['k6-version']).toMatch(/^\d+\.\d+\.\d+$/);
      const k6 = stepRunning('gate', /k6 run/)!;
      expect(k6.run!.trim()).toBe('k6 run loadtest/k6/orders.ts');
      expect(k6.env).toEqual({
        STACK: '${{ github.ref_name }}',
        SCENARIO: '${{ needs.deploy.outputs.scenario }}',
        API_URL: '${{ needs.deploy.outputs.apiUrl }}',
        USER_POOL_CLIENT_ID: '${{ needs.deploy.outputs.loadTestClientId }}',
        AWS_REGION: '${{ needs.deploy.outputs.region }}',
        LOADTEST_USERNAME: '${{ secrets.LOADTEST_USERNAME }}',
        LOADTEST_PASSWORD: '${{ secrets.LOADTEST_PASSWORD }}',
        RUNNER_LOCATION: '${{ vars.GATE_RUNNER_LOCATION }}',
        K6_WEB_DASHBOARD: 'true',
        K6_WEB_DASHBOARD_EXPORT: 'loadtest/results/k6-dashboard.html',
      });
      expect(k6).not.toHaveProperty('continue-on-error');
      // The runner is a variable, so a fixed-place runner (whose HTTP latency is compared) needs no workflow edit.
      expect(gate['runs-on']).toBe("${{ vars.GATE_RUNNER || 'ubuntu-latest' }}");
      // Before k6: the last green baseline; after: the verdict (cost, comparison), on the deploy's outputs.
      const baseline = stepRunning('gate', /gate:baseline/)!;
      const verdict = stepRunning('gate', /gate:verdict/)!;
      expect(baseline.run!.trim()).toBe('npm run gate:baseline -- --stack "$STACK" --scenario "$SCENARIO" --out loadtest/results/baseline.json');
      expect(verdict.run!.trim()).toBe('npm run gate:verdict -- --stack "$STACK" --outputs stack-outputs.json --release release.json');
      expect(gate.steps.indexOf(baseline)).toBeLessThan(gate.steps.indexOf(k6));
      expect(gate.steps.indexOf(verdict)).toBeGreaterThan(gate.steps.indexOf(k6));
      expect(verdict.if).toBeUndefined(); // only after a green k6 run: a failed run never becomes the baseline
      const outputsUpload = job('deploy').steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
      expect(gate.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!.with).toEqual({ name: outputsUpload.with!.name });
      expect(rolesOf('gate')).toEqual([previewRole(PUSHED)]);
      // handleSummary writes into loadtest/results/, which a fresh checkout lacks (it is git-ignored).
      expect(gate.steps.indexOf(stepRunning('gate', /mkdir -p loadtest\/results/)!)).toBeLessThan(gate.steps.indexOf(k6));
      const after = gate.steps.slice(gate.steps.indexOf(k6) + 1);
      expect(after.find((step) => step.uses?.startsWith('actions/upload-artifact@'))).toMatchObject({ if: 'always()', with: { path: 'loadtest/results/' } });
      const summary = after.find((step) => step.run?.includes('GITHUB_STEP_SUMMARY'));
      expect(summary).toMatchObject({ if: 'always()' });
      expect(summary!.run).toContain('loadtest/results/junit.xml');
    });

    it('promotes development → stage → main, and hotfix branches to stage, through npm run promote', () => {
      const promote = job('promote');
      expect(promote.if).toContain("github.event_name == 'push'");
      expect(promote.if).toContain("github.ref == 'refs/heads/development'");
      expect(promote.if).toContain("github.ref == 'refs/heads/stage'");
      expect(promote.if).not.toContain("'refs/heads/main'");
      const hotfix = job('hotfix-pr');
      expect(hotfix.if).toContain("startsWith(github.ref, 'refs/heads/hotfix/')");
      for (const name of ['promote', 'hotfix-pr']) {
        const step = stepRunning(name, /npm run promote/)!;
        expect(step.run!.trim()).toBe('npm run promote -- --head "$HEAD"');
        expect(step.env).toMatchObject({ HEAD: '${{ github.ref_name }}' });
      }
    });

    it('opens promotion PRs with the promotion GitHub App token, scoped to this repository, never the job token', () => {
      for (const name of ['promote', 'hotfix-pr']) {
        // The job's own token reads the repository and nothing else: it can neither open nor approve a PR.
        expect({ name, permissions: job(name).permissions }).toEqual({ name, permissions: { contents: 'read' } });
        const [app, ...more] = using(name, 'actions/create-github-app-token');
        expect(more).toEqual([]);
        expect(app!.with).toEqual({
          'client-id': '${{ vars.PROMOTION_APP_ID }}',
          'private-key': '${{ secrets.PROMOTION_APP_PRIVATE_KEY }}',
          owner: '${{ github.repository_owner }}',
          repositories: '${{ github.event.repository.name }}',
          'permission-contents': 'read',
          'permission-pull-requests': 'write',
        });
        const step = stepRunning(name, /npm run promote/)!;
        expect(job(name).steps.indexOf(app!)).toBeLessThan(job(name).steps.indexOf(step));
        expect(step.env).toEqual({ GH_TOKEN: `\${{ steps.${app!.id}.outputs.token }}`, HEAD: '${{ github.ref_name }}' });
      }
      expect(source).not.toContain('PROMOTION_TOKEN');
      expect(source).not.toMatch(/GH_TOKEN: .*(github\.token|GITHUB_TOKEN).*\n\s*HEAD:/);
      // No hint anywhere that Actions should be allowed to approve pull requests: code owners approve them.
      expect(source).not.toMatch(/approve pull requests/i);
      const owners = readFileSync(path.join(ROOT, '.github/CODEOWNERS'), 'utf8');
      const rules = owners
        .split('\n')
        .filter((line) => line.trim() && !line.trim().startsWith('#'))
        .map((line) => line.trim().split(/\s+/));
      for (const pattern of ['*', '/.github/', '/infra/']) {
        const rule = rules.find(([p]) => p === pattern);
        expect({ pattern, owners: rule?.slice(1) ?? [] }).toEqual({ pattern, owners: [expect.stringMatching(/^@[\w.-]+\/[\w.-]+$/)] });
      }
    });
  });

  describe('the seams a first run crosses', () => {
    const allSteps = Object.entries(workflow.jobs).flatMap(([name, j]) => j.steps.map((step) => ({ job: name, step })));

    it('never creates a stack: each is created once at setup with its secrets provider, and a preview role cannot write state', () => {
      const pulumi = allSteps.filter(({ step }) => step.uses?.startsWith('pulumi/actions@'));
      expect(pulumi.map(({ job: name, step }) => [name, step.with?.command])).toEqual([
        ['preview', 'preview'],
        ['plan', 'preview'],
        ['deploy', 'up'],
      ]);
      for (const { job: name, step } of pulumi) expect({ name, upsert: step.with?.upsert }).toEqual({ name, upsert: undefined });
      expect(source).not.toMatch(/\bupsert\b/);
    });

    it('runs the policy pack with the config npm run policy:config wrote for the same stack', () => {
      for (const [name, command] of [
        ['preview', 'preview'],
        ['plan', 'preview'],
        ['deploy', 'up'],
      ] as const) {
        const [pulumiStep] = pulumiSteps(name, command);
        expect(pulumiStep!.with!.policyPacks).toBe('infra/policy');
        const config = stepRunning(name, /policy:config/)!;
        expect(pulumiStep!.with!.policyPackConfigs).toBe('${{ runner.temp }}/policy-config.json');
        expect(config.run!.trim()).toBe('npm run --silent policy:config -- --stack "$STACK" --out "$RUNNER_TEMP/policy-config.json"');
        expect(config.env!.STACK).toBe(pulumiStep!.with!['stack-name']);
        const { steps } = job(name);
        expect(steps.indexOf(config)).toBeLessThan(steps.indexOf(pulumiStep!));
      }
    });

    it('assumes exactly the role named for each job and its stack, a deploy role only inside that stack’s environment', () => {
      const expected: Record<string, string[]> = {
        test: [],
        preview: [previewRole(BASE)],
        release: [RELEASE_ROLE],
        plan: [previewRole(PUSHED)],
        deploy: [deployRole(PUSHED)],
        gate: [previewRole(PUSHED)],
        promote: [],
        'hotfix-pr': [],
      };
      expect(Object.keys(workflow.jobs).sort()).toEqual(Object.keys(expected).sort());
      for (const name of Object.keys(workflow.jobs)) expect({ name, roles: rolesOf(name) }).toEqual({ name, roles: expected[name] });
      // The deploy role's stack is the environment's: the role trusts only jobs of that environment.
      for (const [name, j] of Object.entries(workflow.jobs).filter(([, j]) => JSON.stringify(j.steps).includes('-deploy'))) {
        expect({ name, environment: typeof j.environment === 'object' ? j.environment.name : j.environment }).toEqual({ name, environment: PUSHED });
      }
      // Every role ARN is built from AWS_ACCOUNT_ID; no role ARN variable is left over from before.
      expect(source).not.toMatch(/AWS_(PREVIEW|DEPLOY|BUILD)_ROLE_ARN/);
      expect(source.match(/role-to-assume: .*/g)!.every((line) => line.includes('arn:aws:iam::${{ vars.AWS_ACCOUNT_ID }}:role/orders-ci-'))).toBe(true);
    });

    it('reaches Pulumi state with the job’s own identity: PULUMI_BACKEND_URL when set, else a short-lived Pulumi Cloud team token', () => {
      expect(source).not.toContain('secrets.PULUMI_ACCESS_TOKEN');
      for (const { job: name, step } of allSteps) expect({ name, env: step.env?.PULUMI_ACCESS_TOKEN }).toEqual({ name, env: undefined });
      const kind: Record<string, [string, 'preview' | 'deploy']> = { preview: [BASE, 'preview'], plan: [PUSHED, 'preview'], deploy: [PUSHED, 'deploy'] };
      const withPulumi = Object.keys(workflow.jobs).filter((name) =>
        job(name).steps.some((s) => s.uses?.startsWith('pulumi/actions@') || /^pulumi /.test(s.run?.trim() ?? '')),
      );
      expect(withPulumi.sort()).toEqual(Object.keys(kind).sort());
      for (const name of withPulumi) {
        const { steps } = job(name);
        const [stack, access] = kind[name]!;
        // Self-managed backend: every pulumi step logs in to the variable's URL, with the job's AWS role.
        for (const step of steps.filter((s) => s.uses?.startsWith('pulumi/actions@'))) {
          expect({ name, cloudUrl: step.with?.['cloud-url'] }).toEqual({ name, cloudUrl: '${{ vars.PULUMI_BACKEND_URL }}' });
        }
        for (const step of steps.filter((s) => /^pulumi /.test(s.run?.trim() ?? ''))) {
          expect({ name, backend: step.env?.PULUMI_BACKEND_URL }).toEqual({ name, backend: '${{ vars.PULUMI_BACKEND_URL }}' });
        }
        // Pulumi Cloud (the variable empty): a team token from the OIDC token exchange, before any pulumi step.
        const [auth, ...more] = using(name, 'pulumi/auth-actions');
        expect({ name, more }).toEqual({ name, more: [] });
        expect(auth).toMatchObject({
          if: "vars.PULUMI_BACKEND_URL == ''",
          with: {
            organization: '${{ vars.PULUMI_ORGANIZATION }}',
            'requested-token-type': 'urn:pulumi:token-type:access_token:team',
            scope: `team:orders-${stack}-${access}`,
          },
        });
        const firstPulumi = steps.findIndex((s) => s.uses?.startsWith('pulumi/actions@') || /^pulumi /.test(s.run?.trim() ?? ''));
        expect(steps.indexOf(auth!)).toBeLessThan(firstPulumi);
        // The token's team matches the AWS role the job holds: preview with preview, deploy with deploy.
        expect(rolesOf(name)).toEqual([access === 'deploy' ? deployRole(stack) : previewRole(stack)]);
      }
    });

    it('never puts a secret on a command line', () => {
      for (const { job: name, step } of allSteps) expect({ name, run: step.run?.includes('secrets.') ?? false }).toEqual({ name, run: false });
    });

    it('runs only npm scripts besides pulumi and k6 themselves (and two lines of plumbing)', () => {
      const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
      for (const { job: name, step } of allSteps.filter(({ step }) => step.run)) {
        const command = step.run!.trim();
        const npmScript = /^npm run (?:--silent )?([\w:]+)/.exec(command)?.[1];
        const allowed =
          /^npm ci\b/.test(command) ||
          command === 'bash .ci/run' ||
          /^pulumi stack output /.test(command) ||
          command === 'k6 run loadtest/k6/orders.ts' ||
          command === 'mkdir -p loadtest/results' ||
          command.includes('GITHUB_STEP_SUMMARY') ||
          (npmScript !== undefined && npmScript in scripts);
        expect({ name, command, allowed }).toEqual({ name, command, allowed: true });
      }
    });

    it('builds the image natively: the release job is on arm64, and nothing emulates', () => {
      expect(job('release')['runs-on']).toMatch(/-arm$/);
      expect(allSteps.filter(({ step }) => step.uses?.startsWith('docker/setup-qemu-action'))).toEqual([]);
      expect((workflow as unknown as { env: Record<string, string> }).env.PULUMI_NODEJS_TRANSPILE_ONLY).toBe('true');
    });
  });

  describe('hygiene', () => {
    it('pins every action to a full commit SHA with its version in a comment, none older than its current major', () => {
      const uses = Object.values(workflow.jobs).flatMap((j) => j.steps.map((step) => step.uses).filter((u): u is string => !!u));
      expect(uses.length).toBeGreaterThan(10);
      // The comment is only in the text: read every `uses:` line as written (Dependabot keeps SHA and comment together).
      const lines = source.split('\n').filter((line) => /^\s*(- )?uses:/.test(line));
      expect(lines.length).toBe(uses.length);
      const PIN = /^\s*(?:- )?uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v(\d+)\.\d+\.\d+)$/;
      expect(lines.filter((line) => !PIN.test(line))).toEqual([]);
      const current: Record<string, number> = {
        'actions/checkout': 7,
        'actions/setup-node': 7,
        'actions/setup-java': 5,
        'actions/upload-artifact': 7,
        'actions/download-artifact': 8,
        'actions/create-github-app-token': 3,
        'aws-actions/configure-aws-credentials': 6,
        'docker/setup-buildx-action': 4,
        'docker/login-action': 4,
        'docker/build-push-action': 7,
        'pulumi/actions': 7,
        'pulumi/auth-actions': 2,
        'grafana/setup-k6-action': 1,
      };
      const pins = new Map<string, Set<string>>();
      for (const line of lines) {
        const [, action, sha, version, major] = PIN.exec(line)!;
        expect({ action, known: action! in current }).toEqual({ action, known: true });
        expect({ action, major: Number(major) >= current[action!]! }).toEqual({ action, major: true });
        pins.set(action!, (pins.get(action!) ?? new Set()).add(`${sha} # ${version}`));
      }
      // One pin per action across the file: the same commit and version wherever it is used.
      for (const [action, pinned] of pins) expect({ action, pins: pinned.size }).toEqual({ action, pins: 1 });
    });

    it('keeps no credential in the checkout: persist-credentials is false on every actions/checkout', () => {
      const checkouts = Object.entries(workflow.jobs).flatMap(([name, j]) =>
        j.steps.filter((step) => step.uses?.startsWith('actions/checkout@')).map((step) => ({ name, persist: step.with?.['persist-credentials'] })),
      );
      expect(checkouts.length).toBe(Object.keys(workflow.jobs).length);
      for (const checkout of checkouts) expect(checkout).toEqual({ name: checkout.name, persist: false });
    });

    it('reads no more than contents by default and gives write access only where a job needs it', () => {
      expect((workflow as unknown as { permissions: unknown }).permissions).toEqual({ contents: 'read' });
      for (const [name, j] of Object.entries(workflow.jobs)) {
        const writes = Object.entries(j.permissions ?? {})
          .filter(([, level]) => level === 'write')
          .map(([scope]) => scope);
        const allowed =
          (
            {
              preview: ['id-token'],
              release: ['id-token'],
              plan: ['id-token'],
              deploy: ['id-token'],
              gate: ['id-token'],
            } as Record<string, string[]>
          )[name] ?? [];
        expect({ name, writes: writes.filter((scope) => !allowed.includes(scope)) }).toEqual({ name, writes: [] });
      }
      // No job's token may write pull requests: previews go to the job summary, promotions use the App's token.
      for (const [name, j] of Object.entries(workflow.jobs)) expect({ name, pr: j.permissions?.['pull-requests'] }).toEqual({ name, pr: undefined });
    });

    it('has Dependabot keep the pins current: github-actions, npm and the Dockerfile’s base image, weekly', () => {
      interface Update {
        'package-ecosystem': string;
        directory: string;
        schedule: { interval: string };
        'target-branch'?: string;
        groups?: Record<string, unknown>;
      }
      const config = load(readFileSync(path.join(ROOT, '.github/dependabot.yml'), 'utf8')) as { version: number; updates: Update[] };
      expect(config.version).toBe(2);
      const covered = config.updates.map((u) => [u['package-ecosystem'], u.directory, u.schedule.interval]);
      expect(covered).toEqual(
        expect.arrayContaining([
          ['github-actions', '/', 'weekly'],
          ['npm', '/', 'weekly'],
          ['docker', '/service', 'weekly'],
        ]),
      );
      // Into development, so an update takes the pipeline's road (tests, development's gate, promotion PRs).
      for (const update of config.updates) expect(update).toMatchObject({ 'target-branch': 'development', groups: expect.any(Object) });
    });

    it('installs without telemetry: swagger-ui-dist’s scarf postinstall is opted out in package.json', () => {
      const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scarfSettings?: unknown };
      expect(pkg.scarfSettings).toEqual({ enabled: false });
      // The key scarf's own installer reads (node_modules/@scarf/scarf/report.js, userHasOptedOut).
      const report = readFileSync(path.join(ROOT, 'node_modules/@scarf/scarf/report.js'), 'utf8');
      expect(report).toContain('rootPackage.scarfSettings.enabled === false');
    });

    it('explains each job with a comment', () => {
      const lines = source.split('\n');
      for (const name of Object.keys(workflow.jobs)) {
        const at = lines.indexOf(`  ${name}:`);
        expect({ name, commented: lines[at - 1]?.trim().startsWith('#') }).toEqual({ name, commented: true });
      }
    });
  });
});
