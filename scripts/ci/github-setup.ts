import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/**
 * `npm run ci:github -- --outputs ci-outputs.json --repo OWNER/REPO`: points the repository at the identities
 * infra/ci created (`pulumi -C infra/ci stack output --json > ci-outputs.json`), with `gh`:
 *   - repository variables AWS_ACCOUNT_ID, AWS_REGION, RELEASE_REGISTRY and, on the S3 backend, PULUMI_BACKEND_URL
 *     (names, not secrets: the roles decide what a job can do, and the workflow builds their ARNs from these);
 *   - per stack an environment whose deployments only its own branch may make (GitHub's deployment branch
 *     policies: "Create or update an environment" and "Create a deployment branch policy" in the REST API), so a
 *     feature branch's workflow cannot claim `environment: main`; main's environment forbids self-review.
 * Idempotent: a second run changes nothing. Reviewers for main name people or teams: add them in the settings.
 */
interface CiOutputs {
  accountId: string;
  awsRegion: string;
  roleArns: Record<string, string>;
  stateBackendUrl?: string;
  releaseRegistry?: string;
}

const { values } = parseArgs({ options: { outputs: { type: 'string' }, repo: { type: 'string' } } });
if (!values.outputs || !values.repo) throw new Error('usage: ci:github --outputs <pulumi stack output --json of infra/ci> --repo OWNER/REPO');
const repo = values.repo;
const outputs = JSON.parse(readFileSync(values.outputs, 'utf8')) as CiOutputs;

const gh = (args: string[], input?: string) => execFileSync('gh', args, { encoding: 'utf8', ...(input ? { input } : {}), stdio: ['pipe', 'pipe', 'inherit'] });

const variables: Record<string, string | undefined> = {
  AWS_ACCOUNT_ID: outputs.accountId,
  AWS_REGION: outputs.awsRegion,
  RELEASE_REGISTRY: outputs.releaseRegistry,
  PULUMI_BACKEND_URL: outputs.stateBackendUrl,
};
for (const [name, value] of Object.entries(variables)) {
  if (value === undefined) continue;
  gh(['variable', 'set', name, '--body', value, '--repo', repo]);
  console.log(`variable ${name}=${value}`);
}

const stacks = [...new Set(Object.keys(outputs.roleArns).map((key) => key.replace(/-(preview|deploy)$/, '')))];
for (const stack of stacks) {
  const environment = { deployment_branch_policy: { protected_branches: false, custom_branch_policies: true }, prevent_self_review: stack === 'main' };
  gh(['api', '--method', 'PUT', `repos/${repo}/environments/${stack}`, '--input', '-'], JSON.stringify(environment));
  const existing = JSON.parse(gh(['api', `repos/${repo}/environments/${stack}/deployment-branch-policies`])) as {
    branch_policies: Array<{ name: string; type?: string }>;
  };
  if (existing.branch_policies.some((p) => p.name === stack && (p.type ?? 'branch') === 'branch')) {
    console.log(`environment ${stack}: deploys from branch ${stack} only (unchanged)`);
    continue;
  }
  gh(['api', '--method', 'POST', `repos/${repo}/environments/${stack}/deployment-branch-policies`, '-f', `name=${stack}`, '-f', 'type=branch']);
  console.log(`environment ${stack}: deploys from branch ${stack} only`);
}
console.log('Left to do in the settings: required reviewers on environment main; "Require review from Code Owners" on the stack branches.');
