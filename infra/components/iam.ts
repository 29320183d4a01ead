import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { boundaryPolicyArn } from '../ci/names';

export interface Statement {
  /** Why this access is needed; kept as the statement's Sid so reviewers see it in the console. */
  sid: string;
  actions: string[];
  resources: pulumi.Input<string>[];
}

/** The services whose roles this program creates. */
export type ServicePrincipal = 'ecs-tasks.amazonaws.com' | 'lambda.amazonaws.com' | 'vpc-flow-logs.amazonaws.com' | 'backup.amazonaws.com';

/** Where the stack runs: what a trust policy's confused-deputy conditions and the roles' boundary name. */
export interface TrustSource {
  accountId: pulumi.Input<string>;
  region: pulumi.Input<string>;
  stack: string;
}

/**
 * The permissions boundary every role of the stack carries (declared by the pipeline's identities, infra/ci): no
 * IAM, no role assumption, no other stack's resources, whatever the role's own policy says. The deploy role may
 * create and change only roles that carry it (docs/ci-identities.md).
 */
export const permissionsBoundary = ({ accountId, stack }: TrustSource): pulumi.Output<string> =>
  pulumi.output(accountId).apply((account) => boundaryPolicyArn(account, stack));

/**
 * The confused-deputy conditions on a service's AssumeRole, in the form AWS documents for that service (IAM User
 * Guide, "The confused deputy problem": https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
 * Only keys a service documents are used: a key the service does not put in its request context fails the
 * condition, and the service can no longer assume the role. Guard rule service-role-trust checks the result.
 */
export function trustConditions(service: ServicePrincipal, { accountId, region }: TrustSource): Record<string, Record<string, pulumi.Input<string>>> {
  const sourceAccount = { StringEquals: { 'aws:SourceAccount': accountId } };
  switch (service) {
    // Amazon ECS, "Amazon ECS task IAM role" (the trust policy it gives against the confused deputy):
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html — the same service principal
    // assumes the task execution role.
    case 'ecs-tasks.amazonaws.com':
      return { ...sourceAccount, ArnLike: { 'aws:SourceArn': pulumi.interpolate`arn:aws:ecs:${region}:${accountId}:*` } };
    // Amazon VPC, "IAM role for publishing flow logs to CloudWatch Logs":
    // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
    case 'vpc-flow-logs.amazonaws.com':
      return { ...sourceAccount, ArnLike: { 'aws:SourceArn': pulumi.interpolate`arn:aws:ec2:${region}:${accountId}:vpc-flow-log/*` } };
    // AWS Backup recommends aws:SourceAccount and aws:SourceArn ("Cross-service confused deputy prevention",
    // https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-service-confused-deputy-prevention.html) but names
    // no source ARN for the role it assumes for a plan's jobs: the account only.
    case 'backup.amazonaws.com':
      return sourceAccount;
    // Lambda: "The aws:SourceArn condition key applies only to policies where your Lambda function is the target
    // resource" (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html), so the execution
    // role's trust carries the account only.
    case 'lambda.amazonaws.com':
      return sourceAccount;
  }
}

/** A trust policy that lets `service` assume the role only on behalf of this account (and, where documented, its resources). */
export const trustPolicy = (service: ServicePrincipal, source: TrustSource): pulumi.Output<string> =>
  pulumi.jsonStringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', Condition: trustConditions(service, source) }],
  });

/**
 * A role for one AWS service with one inline, least-privilege policy. Statements are explicit action lists
 * on explicit ARNs; the only "*" resources are the few actions AWS defines without resource-level permissions
 * (see infra/policy/rules.ts, WILDCARD_RESOURCE_ACTIONS). The trust carries the service's confused-deputy conditions.
 */
export function serviceRole(name: string, service: ServicePrincipal, statements: Statement[], parent: pulumi.Resource, source: TrustSource) {
  const role = new aws.iam.Role(name, { assumeRolePolicy: trustPolicy(service, source), permissionsBoundary: permissionsBoundary(source) }, { parent });
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
