import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface Statement {
  /** Why this access is needed; kept as the statement's Sid so reviewers see it in the console. */
  sid: string;
  actions: string[];
  resources: pulumi.Input<string>[];
}

/** Conditions on the service's AssumeRole (e.g. aws:SourceAccount / aws:SourceArn against the confused deputy). */
export type TrustConditions = Record<string, Record<string, pulumi.Input<string>>>;

/**
 * A role for one AWS service with one inline, least-privilege policy. Statements are explicit action lists
 * on explicit ARNs; the only "*" resources are the few actions AWS defines without resource-level permissions
 * (see infra/policy/rules.ts, WILDCARD_RESOURCE_ACTIONS).
 */
export function serviceRole(
  name: string,
  service: 'ecs-tasks.amazonaws.com' | 'lambda.amazonaws.com' | 'vpc-flow-logs.amazonaws.com',
  statements: Statement[],
  parent: pulumi.Resource,
  trustConditions?: TrustConditions,
) {
  const trust = { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' };
  const role = new aws.iam.Role(
    name,
    {
      assumeRolePolicy: trustConditions
        ? pulumi.jsonStringify({ Version: '2012-10-17', Statement: [{ ...trust, Condition: trustConditions }] })
        : JSON.stringify({ Version: '2012-10-17', Statement: [trust] }),
    },
    { parent },
  );
  const policy = new aws.iam.RolePolicy(
    name,
    {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: '2012-10-17',
        Statement: statements.map((s) => ({ Sid: s.sid, Effect: 'Allow', Action: s.actions, Resource: s.resources })),
      }),
    },
    { parent },
  );
  // Callers depend on `policy` too: a role without its permissions is not ready for use.
  return { role, policy };
}
