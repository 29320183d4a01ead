import { asArray, ofType, parseJson, PROTECTED_STACKS, violation, type Rule } from './records';
import { isUnknown } from './unknowns';
/** Access: production sign-in, least-privilege IAM policies, service roles' trust, and the stack's permissions boundary on its roles. */
/**
 * Actions AWS only grants on Resource "*" (no resource-level permissions exist for them):
 * ECR's registry login token and X-Ray's trace/telemetry/sampling calls.
 */
export const WILDCARD_RESOURCE_ACTIONS = new Set([
  'ecr:GetAuthorizationToken',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:PutSpans',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
]);
/** The tag that marks the admins' pool (infra/components/adminIdentity.ts sets it). */
export const POOL_ROLE_TAG = 'orders:pool';
export const ADMIN_POOL_ROLE = 'admins';

export const productionSignIn: Rule = {
  id: 'production-sign-in',
  description:
    'main: no app client accepts a password in USER_PASSWORD_AUTH, and Cognito threat protection is on (AUDIT, then ENFORCED); ' +
    'stage and main: an admins’ pool exists and requires MFA',
  check: (resources, { stack }) => {
    const pools = ofType(resources, 'aws:cognito/userPool:UserPool');
    const adminPools = pools.filter((p) => (p.inputs.tags as Record<string, string> | undefined)?.[POOL_ROLE_TAG] === ADMIN_POOL_ROLE);
    // Admin rights come only from the admins' pool (service/src/auth/verifier.ts): with its MFA ON, no admin token
    // exists without a TOTP code. A pool's MFA setting is known at preview (it is config, not an output).
    const adminMfa = PROTECTED_STACKS.includes(stack)
      ? [
          ...(adminPools.length === 0
            ? [violation('production-sign-in', 'stack', `${stack} has no admins’ pool (tag ${POOL_ROLE_TAG}=${ADMIN_POOL_ROLE})`)]
            : []),
          ...adminPools
            .filter((p) => p.inputs.mfaConfiguration !== 'ON')
            .map((p) => violation('production-sign-in', p, `the admins’ pool must require MFA (mfaConfiguration ON) in ${stack}`)),
        ]
      : [];
    if (stack !== 'main') return adminMfa;
    return [
      ...adminMfa,
      ...ofType(resources, 'aws:cognito/userPoolClient:UserPoolClient')
        .filter((c) => asArray(c.inputs.explicitAuthFlows as string[]).includes('ALLOW_USER_PASSWORD_AUTH'))
        .map((c) => violation('production-sign-in', c, 'a public client must not accept passwords on main (SRP and refresh only)')),
      ...pools
        // AUDIT first (risks scored and logged, nothing blocked), ENFORCED once the audit shows no false positives (docs/deploying.md).
        .filter(
          (p) => !['AUDIT', 'ENFORCED'].includes((p.inputs.userPoolAddOns as { advancedSecurityMode?: string } | undefined)?.advancedSecurityMode ?? 'OFF'),
        )
        .map((p) => violation('production-sign-in', p, 'threat protection must be on (AUDIT or ENFORCED) on main')),
    ];
  },
};
interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}

export const leastPrivilegeIam: Rule = {
  id: 'least-privilege-iam',
  description:
    'IAM policies name actions exactly and resources by ARN; "*" only where AWS requires it (a document still unknown at preview, built from ARNs ' +
    'that do not exist yet, is judged at the update)',
  check: (resources) =>
    ofType(resources, 'aws:iam/rolePolicy:RolePolicy').flatMap((p) => {
      // A first deploy's preview has only the sentinel for a document built from ARNs: nothing of it can be read, and
      // failing it would stop every first deploy. It is judged once known: `pulumi up --policy-pack` runs the pack on
      // the update's outputs, and test/infra/iam.test.ts evaluates every document offline.
      if (isUnknown(p.inputs.policy)) return [];
      const document = parseJson(p.inputs.policy) as { Statement: PolicyStatement[] };
      return document.Statement.flatMap((s) => {
        const actions = asArray(s.Action);
        const targets = asArray(s.Resource);
        return [
          ...actions.filter((a) => a.includes('*')).map((a) => violation('least-privilege-iam', p, `wildcard action ${a} in ${s.Sid ?? 'a statement'}`)),
          ...(targets.some((r) => r === '*')
            ? actions
                .filter((a) => !WILDCARD_RESOURCE_ACTIONS.has(a))
                .map((a) => violation('least-privilege-iam', p, `${a} on Resource "*" in ${s.Sid ?? 'a statement'}`))
            : []),
          ...(s.Effect !== 'Allow'
            ? []
            : targets
                .filter((r) => r !== '*' && /^arn:aws:[a-z0-9-]+:[^:]*:[^:]*:\*$/.test(r))
                .map((r) => violation('least-privilege-iam', p, `resource ${r} is every resource of a service`))),
        ];
      });
    }),
};
/**
 * The services whose documented confused-deputy form for a role's trust includes aws:SourceArn (each page is cited in
 * infra/components/iam.ts); every other service role carries aws:SourceAccount alone.
 */
export const SOURCE_ARN_SERVICES: ReadonlySet<string> = new Set(['ecs-tasks.amazonaws.com', 'vpc-flow-logs.amazonaws.com']);

interface TrustStatement {
  Effect: string;
  Principal?: { Service?: string | string[] };
  Condition?: Record<string, Record<string, unknown>>;
}

export const serviceRoleTrust: Rule = {
  id: 'service-role-trust',
  description:
    'Roles an AWS service assumes admit it only on behalf of this account (aws:SourceAccount) and, for services that document it, only for their ' +
    'own resources (aws:SourceArn), against the confused deputy (a trust policy still unknown at preview is judged at the update)',
  check: (resources) =>
    ofType(resources, 'aws:iam/role:Role').flatMap((role) => {
      // Judged once known, as least-privilege-iam does: `pulumi up --policy-pack` runs the pack on the update's outputs.
      if (isUnknown(role.inputs.assumeRolePolicy) || role.inputs.assumeRolePolicy === undefined) return [];
      const statements = asArray((parseJson(role.inputs.assumeRolePolicy) as { Statement?: TrustStatement | TrustStatement[] }).Statement);
      return statements
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => {
          const services = asArray(s.Principal?.Service);
          const condition = s.Condition ?? {};
          const sourceAccount = condition.StringEquals?.['aws:SourceAccount'];
          const sourceArn = condition.ArnLike?.['aws:SourceArn'] ?? condition.ArnEquals?.['aws:SourceArn'];
          if (services.length === 0) return [];
          return [
            ...(sourceAccount
              ? []
              : [violation('service-role-trust', role, `the trust of ${services.join(', ')} must carry aws:SourceAccount (StringEquals)`)]),
            ...services
              .filter((service) => SOURCE_ARN_SERVICES.has(service) && !sourceArn)
              .map((service) => violation('service-role-trust', role, `the trust of ${service} must carry aws:SourceArn (ArnLike), as AWS documents for it`)),
          ];
        });
    }),
};
/**
 * The boundary the pipeline's identities declare for a stack's roles (infra/ci/names.ts, boundaryPolicyName; the
 * pack stays self-contained, so it is spelled here, and test/infra/rules.test.ts checks the two agree).
 */
const boundaryName = (stack: string) => `orders-ci-${stack}-boundary`;

export const stackRolesBounded: Rule = {
  id: 'stack-roles-bounded',
  description:
    'Every role the stack creates carries the stack’s permissions boundary (policy orders-ci-<stack>-boundary, declared by infra/ci): no policy a ' +
    'deploy writes into it can reach IAM, assume a role or touch another stack (a boundary still unknown at preview is judged at the update)',
  check: (resources, { stack }) =>
    ofType(resources, 'aws:iam/role:Role').flatMap((role) => {
      const boundary = role.inputs.permissionsBoundary;
      if (isUnknown(boundary)) return [];
      const expected = new RegExp(`^arn:aws:iam::\\d{12}:policy/${boundaryName(stack)}$`);
      return typeof boundary === 'string' && expected.test(boundary)
        ? []
        : [
            violation(
              'stack-roles-bounded',
              role,
              `must carry the permissions boundary ${boundaryName(stack)} (docs/ci-identities.md), not ${String(boundary ?? 'none')}`,
            ),
          ];
    }),
};
