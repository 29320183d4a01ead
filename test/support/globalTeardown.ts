import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkRecordedCalls, describeFinding, stackPolicies } from './iam/contract';
import type { RecordedCall } from './iam/record';

export default async function globalTeardown(): Promise<void> {
  const standIns = (globalThis as { __standIns?: Array<{ stop(): Promise<void> }> }).__standIns ?? [];
  await Promise.all(standIns.map((s) => s.stop()));
  if (process.env.GRAPH_CACHE_DIR) rmSync(process.env.GRAPH_CACHE_DIR, { recursive: true, force: true });
  await checkIamContract();
}

/**
 * The IAM contract over the whole run: every AWS call the API and the processor made in any test file must be
 * allowed by its role's policy on every stack. A new SDK call without its permission fails `npm test` here,
 * naming the call and the role; the report goes to test-results/iam-contract.json.
 */
async function checkIamContract(): Promise<void> {
  const dir = process.env.IAM_CALLS_DIR;
  if (!dir) return;
  const calls = new Map<string, RecordedCall>();
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean)) {
      const call = JSON.parse(line) as RecordedCall;
      calls.set(`${call.role} ${call.action} ${call.index ?? ''}`, call);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  if (calls.size === 0) return;
  const findings = await checkRecordedCalls([...calls.values()], await stackPolicies());
  const root = path.resolve(__dirname, '../..');
  mkdirSync(path.join(root, 'test-results'), { recursive: true });
  const report = { calls: [...calls.values()].map(({ testFile, ...c }) => ({ ...c, seenIn: path.relative(root, testFile) })), findings };
  writeFileSync(path.join(root, 'test-results/iam-contract.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (findings.length > 0)
    throw new Error(`IAM contract: ${findings.length} call(s) the deployed roles would refuse:\n${findings.map(describeFinding).join('\n')}`);
  console.log(`\nIAM contract: ${calls.size} distinct calls of the API and the processor, each allowed by its role on development, stage and main.`);
}
