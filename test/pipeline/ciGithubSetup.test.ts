import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runStackInProcess } from '../../scripts/graph/runStackInProcess';
import { CI_FILLED_IN } from '../support/iam/ciRoles';
import { npmRun } from '../support/processes';

/**
 * `npm run ci:github`, as docs/pipeline.md's repository setup runs it, on the outputs infra/ci exports (from its mocked graph),
 * against a stand-in `gh` on PATH that keeps a repository's variables, environments and deployment branch
 * policies the way GitHub's REST API does (GitHub is not reachable here).
 */
let dir: string;
let outputsFile: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ci-github-'));
  writeFileSync(
    path.join(dir, 'gh'),
    `#!/usr/bin/env node
const fs = require('node:fs');
const file = process.env.GH_STATE;
const state = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { variables: {}, environments: {}, policies: {}, calls: [] };
const args = process.argv.slice(2);
const stdin = args.includes('--input') ? fs.readFileSync(0, 'utf8') : undefined;
state.calls.push(args.join(' '));
const save = () => fs.writeFileSync(file, JSON.stringify(state));
if (args[0] === 'variable' && args[1] === 'set') { state.variables[args[2]] = args[args.indexOf('--body') + 1]; save(); process.exit(0); }
if (args[0] === 'api') {
  const method = args.includes('--method') ? args[args.indexOf('--method') + 1] : 'GET';
  const route = args.find((a, i) => i > 0 && a.startsWith('repos/'));
  const env = /environments\\/([^/]+)/.exec(route)[1];
  if (method === 'PUT' && /environments\\/[^/]+$/.test(route)) { state.environments[env] = JSON.parse(stdin); save(); console.log('{}'); process.exit(0); }
  if (route.endsWith('/deployment-branch-policies')) {
    if (!state.environments[env]) { console.error('HTTP 404: Not Found'); process.exit(1); }
    if (!state.environments[env].deployment_branch_policy?.custom_branch_policies) { console.error('HTTP 404: custom branch policies are off'); process.exit(1); }
    const list = state.policies[env] ?? [];
    if (method === 'GET') { console.log(JSON.stringify({ total_count: list.length, branch_policies: list })); save(); process.exit(0); }
    const fields = Object.fromEntries(args.flatMap((a, i) => (a === '-f' ? [args[i + 1].split('=')] : [])));
    state.policies[env] = [...list, { id: list.length + 1, name: fields.name, type: fields.type }]; save(); console.log('{}'); process.exit(0);
  }
}
console.error('stand-in gh: unexpected ' + args.join(' ')); process.exit(1);
`,
  );
  chmodSync(path.join(dir, 'gh'), 0o755);
  const ci = await runStackInProcess('ci', { program: 'orders-ci', overrides: CI_FILLED_IN });
  outputsFile = path.join(dir, 'ci-outputs.json');
  writeFileSync(outputsFile, JSON.stringify(ci.outputs));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const setup = (stateFile: string) =>
  npmRun('ci:github', ['--outputs', outputsFile, '--repo', 'northwind/orders'], { PATH: `${dir}:${process.env.PATH}`, GH_STATE: stateFile });
const stateOf = (file: string) =>
  JSON.parse(readFileSync(file, 'utf8')) as {
    variables: Record<string, string>;
    environments: Record<string, { deployment_branch_policy: { protected_branches: boolean; custom_branch_policies: boolean }; prevent_self_review: boolean }>;
    policies: Record<string, Array<{ name: string; type: string }>>;
    calls: string[];
  };

describe('npm run ci:github', () => {
  it('sets the variables the workflow builds role ARNs from, and binds each environment to its branch', async () => {
    const file = path.join(dir, 'state-1.json');
    const run = await setup(file);
    expect(run.code).toBe(0);
    const state = stateOf(file);
    expect(state.variables).toEqual({
      AWS_ACCOUNT_ID: '123456789012',
      AWS_REGION: 'eu-west-1',
      RELEASE_REGISTRY: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      PULUMI_BACKEND_URL: 's3://orders-pulumi-state-123456789012-eu-west-1',
    });
    for (const stack of ['development', 'stage', 'main']) {
      expect(state.environments[stack]!.deployment_branch_policy).toEqual({ protected_branches: false, custom_branch_policies: true });
      expect(state.policies[stack]).toEqual([{ id: 1, name: stack, type: 'branch' }]);
    }
    expect(state.environments.main!.prevent_self_review).toBe(true);
    expect(run.output).toContain('required reviewers on environment main');
  });

  it('changes nothing on a second run', async () => {
    const file = path.join(dir, 'state-2.json');
    await setup(file);
    const first = stateOf(file);
    const again = await setup(file);
    expect(again.code).toBe(0);
    const second = stateOf(file);
    expect(second.policies).toEqual(first.policies);
    expect(second.calls.filter((c) => c.includes('--method POST'))).toHaveLength(3);
  });
});
