import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { stackRoleBoundary } from '../../../infra/ci/policies/boundary';
import type { RecordedCall, Role } from './record';

/**
 * Least privilege as a contract: every call the API and the processor made during the tests must be allowed by
 * the policy the Pulumi program gives their role, on every stack, and the calls in MUST_DENY must not be. The
 * decisions come from an IAM policy evaluator (@cloud-copilot/iam-simulate), not from matching strings.
 * Each role is evaluated with the permissions boundary every stack role carries (infra/ci/policies/boundary.ts).
 * What this does not see: resource policies, SCPs, KMS key policies and grants.
 */
export interface PolicyDocument {
  Version: string;
  Statement: Array<Record<string, unknown>>;
}
export interface StackPolicies {
  stack: string;
  account: string;
  tableArn: string;
  streamArn: string;
  roles: Record<Role, { roleArn: string; policy: PolicyDocument }>;
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied' | `invalid: ${string}`;

export async function decide(stack: StackPolicies, role: Role, action: string, resource: string): Promise<Decision> {
  const response = await runSimulation(
    {
      identityPolicies: [{ name: `${role}-policy`, policy: stack.roles[role].policy }],
      // Every stack role carries the boundary infra/ci declares: the calls must pass both.
      permissionBoundaryPolicies: [{ name: 'boundary', policy: stackRoleBoundary({ stack: stack.stack }) as never }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: { action, principal: stack.roles[role].roleArn, resource: { resource, accountId: stack.account }, contextVariables: {} },
    },
    {},
  );
  if (response.resultType === 'error') return `invalid: ${JSON.stringify(response.errors).slice(0, 300)}`;
  return response.overallResult as Decision;
}

/** The ARN a recorded call touches on a stack: the app talks to one table, the stack's own. */
export const resourceOf = (stack: StackPolicies, call: Pick<RecordedCall, 'index'>) => (call.index ? `${stack.tableArn}/index/${call.index}` : stack.tableArn);

/** Calls that must stay denied whatever the code does, with why. */
export const MUST_DENY: Array<{ role: Role; action: string; resource: (s: StackPolicies) => string; why: string }> = [
  ...(['api', 'processor'] as const).flatMap((role) => [
    { role, action: 'dynamodb:DeleteTable', resource: (s: StackPolicies) => s.tableArn, why: 'drops every order' },
    { role, action: 'dynamodb:UpdateTable', resource: (s: StackPolicies) => s.tableArn, why: 'changes capacity, streams or indexes' },
    { role, action: 'dynamodb:Scan', resource: (s: StackPolicies) => s.tableArn, why: 'reads every customer at once' },
    {
      role,
      action: 'dynamodb:PutItem',
      resource: (s: StackPolicies) => `arn:aws:dynamodb:eu-west-1:${s.account}:table/another-service`,
      why: 'writes to another table',
    },
    { role, action: 'dynamodb:DeleteItem', resource: (s: StackPolicies) => s.tableArn, why: 'orders are never deleted, only cancelled' },
    { role, action: 'iam:PassRole', resource: (s: StackPolicies) => `arn:aws:iam::${s.account}:role/admin`, why: 'privilege escalation' },
    { role, action: 'iam:CreateAccessKey', resource: (s: StackPolicies) => `arn:aws:iam::${s.account}:user/admin`, why: 'privilege escalation' },
  ]),
  { role: 'api', action: 'dynamodb:GetRecords', resource: (s) => s.streamArn, why: 'the API does not read the stream' },
  { role: 'api', action: 'dynamodb:GetShardIterator', resource: (s) => s.streamArn, why: 'the API does not read the stream' },
  { role: 'processor', action: 'dynamodb:PutItem', resource: (s) => s.tableArn, why: 'the processor only updates existing items' },
  { role: 'processor', action: 'dynamodb:Query', resource: (s) => `${s.tableArn}/index/GSI1`, why: 'the processor lists nothing' },
];

export interface Finding {
  stack: string;
  role: Role;
  action: string;
  resource: string;
  decision: Decision;
  expected: 'Allowed' | 'Denied';
  detail: string;
}

/** Every recorded call on every stack: the findings are the calls not allowed. */
export async function checkRecordedCalls(calls: readonly RecordedCall[], stacks: readonly StackPolicies[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const stack of stacks) {
    for (const call of calls) {
      const resource = resourceOf(stack, call);
      const decision = await decide(stack, call.role, call.action, resource);
      if (decision !== 'Allowed') {
        findings.push({
          stack: stack.stack,
          role: call.role,
          action: call.action,
          resource,
          decision,
          expected: 'Allowed',
          detail: `${call.operation} in ${path.basename(call.testFile)}`,
        });
      }
    }
  }
  return findings;
}

export async function checkMustDeny(stacks: readonly StackPolicies[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const stack of stacks) {
    for (const rule of MUST_DENY) {
      const resource = rule.resource(stack);
      const decision = await decide(stack, rule.role, rule.action, resource);
      if (decision !== 'ImplicitlyDenied' && decision !== 'ExplicitlyDenied')
        findings.push({ stack: stack.stack, role: rule.role, action: rule.action, resource, decision, expected: 'Denied', detail: rule.why });
    }
  }
  return findings;
}

export const describeFinding = (f: Finding) =>
  `${f.stack}: the ${f.role} role ${f.expected === 'Allowed' ? 'may not' : 'may'} ${f.action} on ${f.resource} (${f.decision}; ${f.detail})`;

/** Each stack's policies, one Pulumi mocks run per child process. */
export async function stackPolicies(stacks: readonly string[] = ['development', 'stage', 'main']): Promise<StackPolicies[]> {
  const root = path.resolve(__dirname, '../../..');
  return Promise.all(
    stacks.map(async (stack) => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(__dirname, 'policies.ts'), stack], {
        cwd: root,
        maxBuffer: 16 * 1024 * 1024,
      });
      const line = stdout.split('\n').find((l) => l.startsWith('IAM-POLICIES '));
      if (!line) throw new Error(`no policies for ${stack}:\n${stdout.slice(-2000)}`);
      return JSON.parse(line.slice('IAM-POLICIES '.length)) as StackPolicies;
    }),
  );
}
