import { boundaryPolicyArn, CI_PURPOSE_TAG, deployRoleName, previewRoleName, RELEASE_ROLE_NAME, stackNamePatterns, stackResourcePrefix } from '../names';
import { policy, type PolicyDocument } from './document';
import { stateWriteStatements, type StateLocation } from './state';

export interface DeployScope {
  account: string;
  region: string;
  stack: string;
  state?: StateLocation;
  /** Stage and main keep what the stack holds: no key deletion, no table deletion, whatever the program says. */
  keepsData: boolean;
}

/** Services whose resources carry the stack's tag (the provider's default tags); other stacks' are denied below. */
const TAGGED_SERVICES = [
  'acm',
  'application-autoscaling',
  'backup',
  'backup-storage',
  'cloudwatch',
  'cognito-idp',
  'ec2',
  'ecs',
  'elasticloadbalancing',
  'route53',
  'wafv2',
  'xray',
];

/** The services whose role the platform creates on first use (ECS, load balancing, autoscaling). */
const SERVICE_LINKED = [
  'ecs.amazonaws.com',
  'elasticloadbalancing.amazonaws.com',
  'ecs.application-autoscaling.amazonaws.com',
  'backup.amazonaws.com',
  'application-signals.cloudwatch.amazonaws.com',
  'email.cognito-idp.amazonaws.com',
];
/** Who the stack's roles are for: a deploy may hand its roles to these services only. */
const ROLE_USERS = ['ecs-tasks.amazonaws.com', 'lambda.amazonaws.com', 'vpc-flow-logs.amazonaws.com', 'backup.amazonaws.com'];

/**
 * What `pulumi up` of one stack needs, and no more than the stack's own names allow: tables, functions, queues,
 * topics, log groups, roles and buckets named `orders-<stack>-…`; other services by action, with every resource
 * tagged for another stack denied. IAM is limited to the stack's own roles, handed only to the services that run
 * them, with AWS-managed policies only; the CI identities, users and keys are out of reach. Backups cannot be
 * deleted by any deploy (the vault lock makes that true for the account's administrators too, on main).
 */
export function deployPolicy(scope: DeployScope): PolicyDocument {
  const { account, region, stack } = scope;
  const prefix = stackResourcePrefix(stack);
  const arn = (service: string, resource: string, where = region) => `arn:aws:${service}:${where}:${account}:${resource}`;
  const boundary = boundaryPolicyArn(account, stack);
  const names = stackNamePatterns(stack);
  return policy(
    { Sid: 'ManageTaggedServices', Effect: 'Allow', Action: TAGGED_SERVICES.map((s) => `${s}:*`), Resource: '*' },
    {
      Sid: 'ManageNamedResources',
      Effect: 'Allow',
      Action: ['dynamodb:*', 'lambda:*', 'sqs:*', 'sns:*', 'logs:*', 's3:*'],
      Resource: [
        ...names.tables.map((t) => arn('dynamodb', `table/${t}`)),
        ...names.functions.map((f) => arn('lambda', `function:${f}`)),
        arn('sqs', `${prefix}*`),
        arn('sns', `${prefix}*`),
        ...names.logGroups.map((g) => arn('logs', `log-group:${g}`)),
        // X-Ray Transaction Search's log groups (one per account; CloudWatch, "Getting started with Transaction Search").
        arn('logs', 'log-group:aws/spans*'),
        arn('logs', 'log-group:/aws/application-signals/*'),
        `arn:aws:s3:::${prefix}*`,
      ],
    },
    // Listing and the calls AWS authorises on "*" only.
    {
      Sid: 'AccountWideCalls',
      Effect: 'Allow',
      Action: [
        'sts:GetCallerIdentity',
        'dynamodb:List*',
        'dynamodb:Describe*',
        'lambda:List*',
        'lambda:GetEventSourceMapping',
        'application-signals:StartDiscovery',
        'logs:Describe*',
        'logs:*ResourcePolicy',
        'logs:*Delivery*',
        'sns:List*',
        'sqs:List*',
        's3:ListAllMyBuckets',
        'kms:List*',
        'kms:CreateKey',
        'iam:List*',
        'iam:Get*',
      ],
      Resource: '*',
    },
    // Mappings from the stream to the stack's own function only.
    {
      Sid: 'OwnEventSourceMappings',
      Effect: 'Allow',
      Action: ['lambda:CreateEventSourceMapping', 'lambda:UpdateEventSourceMapping', 'lambda:DeleteEventSourceMapping'],
      Resource: '*',
      Condition: { ArnLike: { 'lambda:FunctionArn': names.functions.map((f) => arn('lambda', `function:${f}`)) } },
    },
    {
      Sid: 'TagEventSourceMappings',
      Effect: 'Allow',
      Action: ['lambda:TagResource', 'lambda:UntagResource', 'lambda:ListTags'],
      Resource: arn('lambda', 'event-source-mapping:*'),
    },
    { Sid: 'ManageOwnKeys', Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/stack': stack } } },
    // A new key is created with the stack's tags, which needs kms:TagResource on no particular key ("Controlling
    // access to tags", AWS KMS developer guide): only with the stack's own tag.
    { Sid: 'TagNewKeys', Effect: 'Allow', Action: 'kms:TagResource', Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/stack': stack } } },
    {
      Sid: 'ManageOwnKeyAliases',
      Effect: 'Allow',
      Action: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'],
      Resource: arn('kms', `alias/${prefix}*`),
    },
    // Roles of the stack only, and only with the stack's boundary on: the effective permissions of anything the
    // deploy writes into a role stay within infra/ci/policies/boundary.ts.
    {
      Sid: 'ManageOwnBoundedRoles',
      Effect: 'Allow',
      Action: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePermissionsBoundary'],
      Resource: `arn:aws:iam::${account}:role/${prefix}*`,
      Condition: { StringEquals: { 'iam:PermissionsBoundary': boundary } },
    },
    {
      Sid: 'ManageOwnRoles',
      Effect: 'Allow',
      Action: ['iam:DeleteRole', 'iam:TagRole', 'iam:UntagRole', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy'],
      Resource: `arn:aws:iam::${account}:role/${prefix}*`,
    },
    {
      Sid: 'AttachManagedServicePoliciesOnly',
      Effect: 'Allow',
      Action: 'iam:AttachRolePolicy',
      Resource: `arn:aws:iam::${account}:role/${prefix}*`,
      Condition: { ArnLike: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/*' }, StringEquals: { 'iam:PermissionsBoundary': boundary } },
    },
    { Sid: 'KeepTheBoundary', Effect: 'Deny', Action: 'iam:DeleteRolePermissionsBoundary', Resource: '*' },
    {
      Sid: 'PassOwnRolesToTheirServices',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: `arn:aws:iam::${account}:role/${prefix}*`,
      Condition: { StringEquals: { 'iam:PassedToService': ROLE_USERS } },
    },
    {
      Sid: 'ServiceLinkedRoles',
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: '*',
      Condition: { StringEquals: { 'iam:AWSServiceName': SERVICE_LINKED } },
    },
    ...(scope.state ? stateWriteStatements(scope.state, stack) : []),
    // Another stack's resources, by the tag every resource carries (aws:defaultTags in Pulumi.<stack>.yaml).
    {
      Sid: 'DenyOtherStacks',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:ResourceTag/stack': stack }, Null: { 'aws:ResourceTag/stack': 'false' } },
    },
    // The pipeline's own identities and anything that makes long-lived credentials.
    {
      Sid: 'DenyCiIdentityChanges',
      Effect: 'Deny',
      Action: 'iam:*',
      Resource: [
        `arn:aws:iam::${account}:role/${deployRoleName(stack)}`,
        `arn:aws:iam::${account}:role/${previewRoleName(stack)}`,
        `arn:aws:iam::${account}:role/orders-ci-*`,
        `arn:aws:iam::${account}:role/${RELEASE_ROLE_NAME}`,
        `arn:aws:iam::${account}:oidc-provider/*`,
        `arn:aws:iam::${account}:policy/orders-ci-*`,
        `arn:aws:iam::${account}:user/*`,
      ],
    },
    // The pipeline's own keys (state secrets) carry no stack tag: no deploy may retag them into its stack or manage them.
    {
      Sid: 'DenyPipelineKeyManagement',
      Effect: 'Deny',
      Action: [
        'kms:TagResource',
        'kms:UntagResource',
        'kms:PutKeyPolicy',
        'kms:CreateGrant',
        'kms:ScheduleKeyDeletion',
        'kms:DisableKey',
        'kms:DisableKeyRotation',
        'kms:UpdateKeyDescription',
      ],
      Resource: '*',
      Condition: { StringEquals: { [`aws:ResourceTag/${CI_PURPOSE_TAG.key}`]: CI_PURPOSE_TAG.value } },
    },
    {
      Sid: 'DenyBackupDeletion',
      Effect: 'Deny',
      Action: [
        'backup:DeleteRecoveryPoint',
        'backup:UpdateRecoveryPointLifecycle',
        'backup:DisassociateRecoveryPoint',
        'backup:DeleteBackupVault',
        'backup:DeleteBackupVaultLockConfiguration',
        'backup:DeleteBackupVaultAccessPolicy',
        'backup:PutBackupVaultAccessPolicy',
        'dynamodb:DeleteBackup',
      ],
      Resource: '*',
    },
    scope.keepsData && {
      Sid: 'DenyDataLoss',
      Effect: 'Deny',
      Action: [
        'dynamodb:DeleteTable',
        'kms:ScheduleKeyDeletion',
        'kms:DisableKey',
        'backup:DeleteBackupPlan',
        'backup:DeleteBackupSelection',
        's3:DeleteBucket',
        's3:DeleteObjectVersion',
      ],
      Resource: '*',
    },
  );
}
