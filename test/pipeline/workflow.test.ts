import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateWorkflow, type ValidationError } from '@action-validator/core';
import { dump, load } from 'js-yaml';

/**
 * The CI/CD definition, checked offline: against the GitHub workflow JSON schema (SchemaStore's, bundled in
 * action-validator's WASM build, which also resolves `needs`), and for the flow it promises:
 * test → deploy → k6 gate → promotion PR, previews on pull requests, hotfix PRs to main.
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
        const where = 'path' in error ? error.path || '/' : 'location' in error && error.location ? `line ${error.location.line}:${error.location.column}` : '/';
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
const pulumiSteps = (name: string, command: string) => job(name).steps.filter((step) => step.uses?.startsWith('pulumi/actions@') && step.with?.command === command);
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
    it('chains test → deploy → gate → promote, with preview and hotfix-pr after test', () => {
      expect(needsOf('test')).toEqual([]);
      expect(needsOf('preview')).toEqual(['test']);
      expect(needsOf('deploy')).toEqual(['test']);
      expect(needsOf('gate')).toEqual(['deploy']);
      expect(needsOf('promote')).toEqual(['gate']);
      expect(needsOf('hotfix-pr')).toEqual(['test']);
    });

    it('tests with Node 22, Java 17 and .ci/run, and keeps any results', () => {
      const { steps } = job('test');
      expect(steps.map((step) => step.uses?.replace(/@.*/, ''))).toEqual(expect.arrayContaining(['actions/checkout', 'actions/setup-node', 'actions/setup-java', 'actions/upload-artifact']));
      expect(steps.find((step) => step.uses?.startsWith('actions/setup-node@'))?.with).toMatchObject({ 'node-version': 22, cache: 'npm' });
      expect(steps.find((step) => step.uses?.startsWith('actions/setup-java@'))?.with).toMatchObject({ distribution: 'temurin', 'java-version': '17' });
      expect(stepRunning('test', /bash \.ci\/run/)).toBeDefined();
      expect(steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'))).toMatchObject({ if: 'always()', with: { 'if-no-files-found': 'ignore' } });
    });

    it('previews the target branch stack on pull requests, with the policy pack, commented on the PR', () => {
      const preview = job('preview');
      expect(preview.if).toContain("github.event_name == 'pull_request'");
      expect(preview.permissions).toEqual({ 'id-token': 'write', contents: 'read', 'pull-requests': 'write' });
      const [step, ...others] = pulumiSteps('preview', 'preview');
      expect(others).toEqual([]);
      expect(step!.with).toMatchObject({ 'stack-name': '${{ github.base_ref }}', diff: true, policyPacks: 'infra/policy', 'comment-on-pr': true });
      expect(step!.env).toEqual({ PULUMI_ACCESS_TOKEN: '${{ secrets.PULUMI_ACCESS_TOKEN }}' });
      expect(preview.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))?.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}' });
    });

    it('deploys only pushes to development, stage and main, one at a time per branch, in the branch environment', () => {
      const deploy = job('deploy');
      expect(deploy.if).toContain("github.event_name == 'push'");
      for (const branch of ['development', 'stage', 'main']) expect(deploy.if).toContain(`github.ref == 'refs/heads/${branch}'`);
      expect(deploy.if).not.toContain('hotfix');
      expect(deploy.environment).toMatchObject({ name: '${{ github.ref_name }}' });
      expect(deploy.concurrency).toEqual({ group: 'deploy-${{ github.ref_name }}', 'cancel-in-progress': false });
      expect(deploy.permissions).toMatchObject({ 'id-token': 'write', contents: 'read' });
      const uses = deploy.steps.map((step) => step.uses?.replace(/@.*/, ''));
      expect(uses).toEqual(expect.arrayContaining(['docker/setup-buildx-action', 'docker/setup-qemu-action', 'aws-actions/configure-aws-credentials']));
      expect(stepRunning('deploy', /^npm ci\b/)).toBeDefined();
    });

    it('deploy previews with the policy pack, then runs pulumi up on the branch stack and exposes its outputs', () => {
      const { steps } = job('deploy');
      const [preview] = pulumiSteps('deploy', 'preview');
      const [up] = pulumiSteps('deploy', 'up');
      expect(preview!.with).toMatchObject({ 'stack-name': '${{ github.ref_name }}', diff: true, policyPacks: 'infra/policy' });
      expect(up!.with).toMatchObject({ 'stack-name': '${{ github.ref_name }}' });
      expect(up!.name).toMatch(/pulumi up --yes --stack/);
      expect(steps.indexOf(preview!)).toBeLessThan(steps.indexOf(up!));
      expect(steps.indexOf(steps.find((s) => s.uses?.startsWith('docker/setup-buildx-action@'))!)).toBeLessThan(steps.indexOf(up!));
      expect(job('deploy').outputs).toEqual({
        apiUrl: `\${{ steps.${up!.id}.outputs.apiUrl }}`,
        userPoolClientId: `\${{ steps.${up!.id}.outputs.userPoolClientId }}`,
        region: `\${{ steps.${up!.id}.outputs.region }}`,
      });
    });

    it('gates on k6 against the deployed stack, keeping the results even when it fails', () => {
      const { steps } = job('gate');
      expect(steps.find((step) => step.uses?.startsWith('grafana/setup-k6-action@'))).toBeDefined();
      const k6 = stepRunning('gate', /k6 run/)!;
      expect(k6.run!.trim()).toBe(
        'k6 run -e STACK=${{ github.ref_name }} -e SCENARIO=gate -e API_URL=${{ needs.deploy.outputs.apiUrl }} ' +
          '-e USER_POOL_CLIENT_ID=${{ needs.deploy.outputs.userPoolClientId }} -e AWS_REGION=${{ needs.deploy.outputs.region }} ' +
          '-e LOADTEST_USERNAME=${{ secrets.LOADTEST_USERNAME }} -e LOADTEST_PASSWORD=${{ secrets.LOADTEST_PASSWORD }} loadtest/k6/orders.ts',
      );
      expect(k6.run).toContain('SCENARIO=gate');
      expect(k6.run).toContain('loadtest/k6/orders.ts');
      expect(k6).not.toHaveProperty('continue-on-error');
      // handleSummary writes into loadtest/results/, which a fresh checkout lacks (it is git-ignored).
      expect(steps.indexOf(stepRunning('gate', /mkdir -p loadtest\/results/)!)).toBeLessThan(steps.indexOf(k6));
      const after = steps.slice(steps.indexOf(k6) + 1);
      expect(after.find((step) => step.uses?.startsWith('actions/upload-artifact@'))).toMatchObject({ if: 'always()', with: { path: 'loadtest/results/' } });
      const summary = after.find((step) => step.run?.includes('GITHUB_STEP_SUMMARY'));
      expect(summary).toMatchObject({ if: 'always()' });
      expect(summary!.run).toContain('loadtest/results/junit.xml');
    });

    it('promotes development → stage and stage → main by pull request, only for pushes to those branches', () => {
      const promote = job('promote');
      expect(promote.if).toContain("github.event_name == 'push'");
      expect(promote.if).toContain("github.ref == 'refs/heads/development'");
      expect(promote.if).toContain("github.ref == 'refs/heads/stage'");
      expect(promote.if).not.toContain("'refs/heads/main'");
      expect(promote.permissions).toEqual({ 'pull-requests': 'write', contents: 'read' });
      const step = stepRunning('promote', /gh pr create/)!;
      expect(step.run).toMatch(/--base "\$BASE" --head "\$HEAD"/);
      expect(step.run).toContain('already exists');
      expect(step.env).toMatchObject({ HEAD: '${{ github.ref_name }}', BASE: "${{ github.ref_name == 'development' && 'stage' || 'main' }}" });
    });

    it('opens a PR from hotfix branches to main once their tests pass', () => {
      const hotfix = job('hotfix-pr');
      expect(hotfix.if).toContain("startsWith(github.ref, 'refs/heads/hotfix/')");
      expect(hotfix.permissions).toEqual({ 'pull-requests': 'write', contents: 'read' });
      const step = stepRunning('hotfix-pr', /gh pr create/)!;
      expect(step.run).toMatch(/--base main --head "\$HEAD"/);
      expect(step.run).toContain('already exists');
    });
  });

  describe('hygiene', () => {
    it('pins every action by major version tag', () => {
      const uses = Object.values(workflow.jobs).flatMap((j) => j.steps.map((step) => step.uses).filter((u): u is string => !!u));
      expect(uses.length).toBeGreaterThan(10);
      expect(uses.filter((u) => !/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@v\d+$/.test(u))).toEqual([]);
    });

    it('reads no more than contents by default and gives write access only where a job needs it', () => {
      expect((workflow as unknown as { permissions: unknown }).permissions).toEqual({ contents: 'read' });
      for (const [name, j] of Object.entries(workflow.jobs)) {
        const writes = Object.entries(j.permissions ?? {}).filter(([, level]) => level === 'write').map(([scope]) => scope);
        const allowed = ({ preview: ['id-token', 'pull-requests'], deploy: ['id-token'], promote: ['pull-requests'], 'hotfix-pr': ['pull-requests'] } as Record<string, string[]>)[name] ?? [];
        expect({ name, writes: writes.filter((scope) => !allowed.includes(scope)) }).toEqual({ name, writes: [] });
      }
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
