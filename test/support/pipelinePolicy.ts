import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { rules, type ResourceRecord, type Violation } from '../../infra/policy/rules';
import { ruleContext } from '../../infra/policy/stackConfig';

const ROOT = path.resolve(__dirname, '../..');

interface Step {
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

/**
 * The policy config the pipeline passes for a push to `stack`'s branch: the plan job's own `policy:config`
 * command, run verbatim with the environment GitHub would give it, and the file its pulumi step reads.
 */
export function policyConfigAsThePipelinePasses(stack: string): Record<string, unknown> {
  const workflow = load(readFileSync(path.join(ROOT, '.github/workflows/pipeline.yml'), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
  const steps = workflow.jobs.plan!.steps;
  const write = steps.find((s) => s.run?.includes('policy:config'));
  const preview = steps.find((s) => s.uses?.startsWith('pulumi/actions@') && s.with?.command === 'preview');
  if (!write || !preview) throw new Error('the plan job has no policy:config step or no pulumi preview');
  if (write.env?.STACK !== '${{ github.ref_name }}' || preview.with?.['stack-name'] !== '${{ github.ref_name }}')
    throw new Error('the plan job does not target the branch stack');
  const runnerTemp = mkdtempSync(path.join(os.tmpdir(), 'runner-temp-'));
  try {
    execSync(write.run!, { cwd: ROOT, env: { ...process.env, STACK: stack, RUNNER_TEMP: runnerTemp }, stdio: 'pipe' });
    const file = String(preview.with!.policyPackConfigs).replace('${{ runner.temp }}', runnerTemp);
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } finally {
    rmSync(runnerTemp, { recursive: true, force: true });
  }
}

/** What the pack (infra/policy/index.ts) reports: each rule with its own config entry. */
export const packViolations = (resources: readonly ResourceRecord[], config: Record<string, unknown>): Violation[] =>
  rules.flatMap((rule) => rule.check(resources, ruleContext(config[rule.id])));
