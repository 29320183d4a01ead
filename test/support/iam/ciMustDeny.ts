import type { Need, Where } from './ciNeeds';

/**
 * What each pipeline role must never be allowed, whatever else it is given, with why. Resource ARNs are named as
 * the order program names them; `aws:ResourceTag/stack` is the tag every stack's resources carry.
 */
export interface State {
  bucketArn: string;
  keyArns: Record<string, string>;
}

const otherStack = (stack: string) => (stack === 'main' ? 'development' : 'main');

export function previewMustDeny({ account, region, stack }: Where, state: State): Need[] {
  const p = `orders-${stack}-`;
  const table = `arn:aws:dynamodb:${region}:${account}:table/${p}orders-abc1234`;
  const pool = `arn:aws:cognito-idp:${region}:${account}:userpool/eu-west-1_AbCdEf123`;
  const logGroup = `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${p}processor`;
  const other = otherStack(stack);
  return [
    { action: 'dynamodb:GetItem', resource: table, why: 'reads an order' },
    { action: 'dynamodb:BatchGetItem', resource: table, why: 'reads orders' },
    { action: 'dynamodb:Query', resource: `${table}/index/GSI1`, why: "lists a customer's orders" },
    { action: 'dynamodb:Scan', resource: table, why: 'reads every order' },
    { action: 'dynamodb:PartiQLSelect', resource: table, why: 'reads orders with PartiQL' },
    { action: 'dynamodb:GetRecords', resource: `${table}/stream/2026-11-25T00:00:00.000`, why: "reads the stream's order images" },
    { action: 'dynamodb:ExportTableToPointInTime', resource: table, why: 'copies every order to S3' },
    { action: 'dynamodb:PutItem', resource: table, why: 'a preview writes nothing' },
    { action: 'cognito-idp:ListUsers', resource: pool, why: 'lists the customers' },
    { action: 'cognito-idp:AdminGetUser', resource: pool, why: 'reads a customer' },
    { action: 'logs:GetLogEvents', resource: `${logGroup}:log-stream:2026/11/30/abc`, why: 'reads application logs' },
    { action: 'logs:FilterLogEvents', resource: logGroup, why: 'searches application logs' },
    { action: 'logs:StartQuery', resource: logGroup, why: 'queries application logs' },
    { action: 'sqs:ReceiveMessage', resource: `arn:aws:sqs:${region}:${account}:${p}dlq-abc1234`, why: 'reads dead letters' },
    { action: 'xray:BatchGetTraces', resource: '*', why: 'reads traces' },
    { action: 'wafv2:GetSampledRequests', resource: `arn:aws:wafv2:${region}:${account}:regional/webacl/${p}firewall/abc`, why: "reads clients' requests" },
    {
      action: 's3:GetObject',
      resource: `arn:aws:s3:::${p}access-logs-abc1234/alb/AWSLogs/${account}/elasticloadbalancing/x.log.gz`,
      why: "reads clients' addresses in access logs",
    },
    { action: 's3:GetObject', resource: `${state.bucketArn}/.pulumi/stacks/orders/${other}.json`, why: "reads another stack's state" },
    { action: 's3:PutObject', resource: `${state.bucketArn}/.pulumi/stacks/orders/${stack}.json`, why: 'writes state' },
    { action: 's3:PutObject', resource: `${state.bucketArn}/.pulumi/locks/orders/${stack}/lock.json`, why: 'locks the stack' },
    { action: 'kms:Decrypt', resource: state.keyArns[other]!, why: "decrypts another stack's secrets" },
    { action: 'kms:Decrypt', resource: `arn:aws:kms:${region}:${account}:key/table-key`, why: 'decrypts with a data key' },
    { action: 'iam:PutRolePolicy', resource: `arn:aws:iam::${account}:role/${p}task-abc1234`, why: "changes the stack's own role" },
    { action: 'iam:PutRolePolicy', resource: `arn:aws:iam::${account}:role/orders-ci-${stack}-preview`, why: 'grants itself more' },
    { action: 'iam:AttachRolePolicy', resource: `arn:aws:iam::${account}:role/admin`, why: 'changes a role outside the stack' },
    { action: 'iam:CreateRole', resource: `arn:aws:iam::${account}:role/${p}new`, why: 'a preview creates nothing' },
    { action: 'iam:PassRole', resource: `arn:aws:iam::${account}:role/${p}task-abc1234`, why: 'hands a role to a service' },
    { action: 'sts:AssumeRole', resource: `arn:aws:iam::${account}:role/orders-ci-${stack}-deploy`, why: 'becomes the deploy role' },
  ];
}

export function deployMustDeny({ account, region, stack }: Where, state: State): Need[] {
  const other = otherStack(stack);
  const mine = { 'aws:ResourceTag/stack': stack };
  const theirs = { 'aws:ResourceTag/stack': other };
  const vault = `arn:aws:backup:${region}:${account}:backup-vault:orders-${stack}-vault`;
  const keeps = stack !== 'development';
  const boundary = `arn:aws:iam::${account}:policy/orders-ci-${stack}-boundary`;
  return [
    { action: 'iam:PutRolePolicy', resource: `arn:aws:iam::${account}:role/orders-ci-${stack}-deploy`, why: 'grants itself more' },
    { action: 'iam:UpdateAssumeRolePolicy', resource: `arn:aws:iam::${account}:role/orders-ci-${stack}-preview`, why: 'opens a CI role to others' },
    { action: 'iam:CreateRole', resource: `arn:aws:iam::${account}:role/admin`, why: 'creates a role outside the stack' },
    { action: 'iam:PutRolePolicy', resource: `arn:aws:iam::${account}:role/orders-${other}-task-abc1234`, why: "changes another stack's role" },
    {
      action: 'iam:AttachRolePolicy',
      resource: `arn:aws:iam::${account}:role/orders-${stack}-task-abc1234`,
      context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess', 'iam:PermissionsBoundary': boundary },
      why: 'makes its own task an administrator',
    },
    {
      action: 'iam:CreateRole',
      resource: `arn:aws:iam::${account}:role/orders-${stack}-unbounded`,
      why: 'creates a role without the boundary, then becomes it',
    },
    { action: 'iam:PutRolePolicy', resource: `arn:aws:iam::${account}:role/orders-${stack}-task-abc1234`, why: 'writes into a role that lost its boundary' },
    {
      action: 'iam:CreateRole',
      resource: `arn:aws:iam::${account}:role/orders-${stack}-other-boundary`,
      context: { 'iam:PermissionsBoundary': `arn:aws:iam::${account}:policy/orders-ci-${other}-boundary` },
      why: "puts another stack's boundary on its role",
    },
    { action: 'iam:DeleteRolePermissionsBoundary', resource: `arn:aws:iam::${account}:role/orders-${stack}-task-abc1234`, why: 'lifts the boundary' },
    { action: 'iam:CreatePolicyVersion', resource: `arn:aws:iam::${account}:policy/orders-ci-${stack}-boundary`, why: 'raises its own ceiling' },
    {
      action: 'iam:PassRole',
      resource: `arn:aws:iam::${account}:role/orders-ci-${stack}-deploy`,
      context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
      why: 'hands itself to a function',
    },
    {
      action: 'iam:PassRole',
      resource: `arn:aws:iam::${account}:role/orders-${stack}-task-abc1234`,
      context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
      why: 'runs its role on an instance',
    },
    { action: 'iam:CreateUser', resource: `arn:aws:iam::${account}:user/backdoor`, why: 'creates a long-lived identity' },
    { action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${account}:user/admin`, why: 'creates long-lived credentials' },
    {
      action: 'iam:UpdateOpenIDConnectProviderThumbprint',
      resource: `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`,
      why: 'changes who GitHub is',
    },
    {
      action: 'dynamodb:DeleteTable',
      resource: `arn:aws:dynamodb:${region}:${account}:table/orders-${other}-orders-abc1234`,
      context: theirs,
      why: "drops another stack's orders",
    },
    {
      action: 'ecs:UpdateService',
      resource: `arn:aws:ecs:${region}:${account}:service/orders-${other}-cluster/orders-${other}-api`,
      context: theirs,
      why: "deploys to another stack's service",
    },
    {
      action: 'cognito-idp:ListUsers',
      resource: `arn:aws:cognito-idp:${region}:${account}:userpool/eu-west-1_Other123`,
      context: theirs,
      why: "lists another stack's customers",
    },
    { action: 's3:PutObject', resource: `${state.bucketArn}/.pulumi/stacks/orders/${other}.json`, why: "writes another stack's state" },
    { action: 'kms:Decrypt', resource: state.keyArns[other]!, why: "decrypts another stack's secrets" },
    { action: 's3:DeleteObjectVersion', resource: `${state.bucketArn}/.pulumi/stacks/orders/${stack}.json`, why: 'erases state history' },
    { action: 's3:PutBucketVersioning', resource: state.bucketArn, why: 'stops keeping state history' },
    { action: 'backup:DeleteRecoveryPoint', resource: `arn:aws:backup:${region}:${account}:recovery-point:abc`, context: mine, why: 'deletes a backup' },
    { action: 'backup:DeleteBackupVault', resource: vault, context: mine, why: 'deletes the vault' },
    { action: 'backup:DeleteBackupVaultLockConfiguration', resource: vault, context: mine, why: 'unlocks the vault' },
    {
      action: 'backup:UpdateRecoveryPointLifecycle',
      resource: `arn:aws:backup:${region}:${account}:recovery-point:abc`,
      context: mine,
      why: 'shortens a backup’s life',
    },
    {
      action: 'dynamodb:DeleteBackup',
      resource: `arn:aws:dynamodb:${region}:${account}:table/orders-${stack}-orders-abc1234/backup/01234567890123-abcdefgh`,
      why: 'deletes an on-demand backup',
    },
    ...(keeps
      ? [
          {
            action: 'dynamodb:DeleteTable',
            resource: `arn:aws:dynamodb:${region}:${account}:table/orders-${stack}-orders-abc1234`,
            context: mine,
            why: 'drops its own orders',
          },
          {
            action: 'kms:ScheduleKeyDeletion',
            resource: `arn:aws:kms:${region}:${account}:key/table-key`,
            context: mine,
            why: 'makes the table and its backups unreadable',
          },
          { action: 'backup:DeleteBackupPlan', resource: `arn:aws:backup:${region}:${account}:backup-plan:abc`, context: mine, why: 'stops the backups' },
        ]
      : []),
    { action: 'organizations:LeaveOrganization', resource: '*', why: 'escapes the organisation’s guardrails' },
    {
      action: 'kms:TagResource',
      resource: state.keyArns[other]!,
      context: { 'aws:ResourceTag/purpose': 'ci-identities', 'aws:RequestTag/stack': stack },
      why: "tags another stack's secrets key as its own",
    },
    {
      action: 'lambda:CreateEventSourceMapping',
      resource: '*',
      context: { 'lambda:FunctionArn': `arn:aws:lambda:${region}:${account}:function:orders-processor-${other}` },
      why: "feeds a stream to another stack's function",
    },
    {
      action: 'lambda:DeleteEventSourceMapping',
      resource: `arn:aws:lambda:${region}:${account}:event-source-mapping:abc`,
      context: { 'lambda:FunctionArn': `arn:aws:lambda:${region}:${account}:function:orders-processor-${other}` },
      why: "stops another stack's processor",
    },
  ];
}

export function releaseMustDeny({ account, region }: Omit<Where, 'stack'>, repositoryArn: string): Need[] {
  return [
    { action: 'ecr:BatchDeleteImage', resource: repositoryArn, why: 'deletes a release' },
    { action: 'ecr:PutImageTagMutability', resource: repositoryArn, why: 'lets a tag move under a stack' },
    { action: 'ecr:SetRepositoryPolicy', resource: repositoryArn, why: 'opens the repository' },
    { action: 'ecr:DeleteRepository', resource: repositoryArn, why: 'deletes every release' },
    { action: 'ecr:PutImage', resource: `arn:aws:ecr:${region}:${account}:repository/another`, why: 'pushes elsewhere' },
    { action: 'dynamodb:Scan', resource: `arn:aws:dynamodb:${region}:${account}:table/orders-main-orders-abc1234`, why: 'reads orders' },
    { action: 'iam:PassRole', resource: `arn:aws:iam::${account}:role/orders-main-task-abc1234`, why: 'hands out a role' },
  ];
}

export function releaseMustAllow(repositoryArn: string): Need[] {
  return [
    { action: 'ecr:GetAuthorizationToken', resource: '*', why: 'docker login' },
    ...['ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage'].map((action) => ({
      action,
      resource: repositoryArn,
      why: 'pushes the image',
    })),
  ];
}
