/**
 * What each pipeline role must be allowed, and what it must never be, as requests for the IAM evaluator.
 *
 * Must-allow, by resource type: for every type an order stack's graph holds, the read a preview (or refresh) of
 * it makes and the write `pulumi up` makes to create it, on a resource named as the program names it. A new type
 * without an entry fails the contract, so no one adds a resource the pipeline's roles were never checked for.
 */
export interface Request {
  action: string;
  resource: string;
  /** Condition keys AWS puts in the request (resource tags, the service a role is passed to, …). */
  context?: Record<string, string | string[]>;
}
export interface Need extends Request {
  why: string;
}

export interface Where {
  account: string;
  region: string;
  stack: string;
}

type Pair = { read: Request; write: Request };

export function needsOf(type: string, { account, region, stack }: Where): Pair | undefined {
  const p = `orders-${stack}-`;
  const tagged = { 'aws:ResourceTag/stack': stack };
  const a = (service: string, resource: string) => ({ resource: `arn:aws:${service}:${region}:${account}:${resource}`, context: tagged });
  const iamRole = `arn:aws:iam::${account}:role/${p}task-abc1234`;
  const bounded = { resource: iamRole, context: { 'iam:PermissionsBoundary': `arn:aws:iam::${account}:policy/orders-ci-${stack}-boundary` } };
  const bucket = `arn:aws:s3:::${p}access-logs-abc1234`;
  const pair = (read: string, write: string, at: { resource: string; context?: Record<string, string | string[]> }, writeAt = at): Pair => ({
    read: { action: read, ...at },
    write: { action: write, ...writeAt },
  });
  const table: Record<string, Pair> = {
    'aws:dynamodb/table:Table': pair('dynamodb:DescribeTable', 'dynamodb:CreateTable', a('dynamodb', `table/${p}orders-abc1234`)),
    'aws:lambda/function:Function': pair('lambda:GetFunction', 'lambda:CreateFunction', a('lambda', `function:${p}processor-abc1234`)),
    'aws:lambda/eventSourceMapping:EventSourceMapping': pair(
      'lambda:GetEventSourceMapping',
      'lambda:CreateEventSourceMapping',
      { resource: '*' },
      { resource: '*', context: { 'lambda:FunctionArn': `arn:aws:lambda:${region}:${account}:function:orders-processor-${stack}` } },
    ),
    'aws:iam/role:Role': pair('iam:GetRole', 'iam:CreateRole', { resource: iamRole }, bounded),
    'aws:iam/rolePolicy:RolePolicy': pair('iam:GetRolePolicy', 'iam:PutRolePolicy', { resource: iamRole }, bounded),
    'aws:iam/rolePolicyAttachment:RolePolicyAttachment': pair(
      'iam:ListAttachedRolePolicies',
      'iam:AttachRolePolicy',
      { resource: iamRole },
      {
        resource: iamRole,
        context: { ...bounded.context, 'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup' },
      },
    ),
    'aws:s3/bucket:Bucket': pair('s3:GetBucketTagging', 's3:CreateBucket', { resource: bucket }),
    'aws:s3/bucketPolicy:BucketPolicy': pair('s3:GetBucketPolicy', 's3:PutBucketPolicy', { resource: bucket }),
    'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration': pair('s3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration', {
      resource: bucket,
    }),
    'aws:s3/bucketOwnershipControls:BucketOwnershipControls': pair('s3:GetBucketOwnershipControls', 's3:PutBucketOwnershipControls', { resource: bucket }),
    'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock': pair('s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock', { resource: bucket }),
    'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration': pair(
      's3:GetEncryptionConfiguration',
      's3:PutEncryptionConfiguration',
      { resource: bucket },
    ),
    'aws:s3/bucketVersioning:BucketVersioning': pair('s3:GetBucketVersioning', 's3:PutBucketVersioning', { resource: bucket }),
    'aws:kms/key:Key': pair('kms:DescribeKey', 'kms:CreateKey', a('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab'), { resource: '*' }),
    'aws:kms/alias:Alias': pair('kms:ListAliases', 'kms:CreateAlias', { resource: '*' }, { resource: `arn:aws:kms:${region}:${account}:alias/${p}table` }),
    'aws:sqs/queue:Queue': pair('sqs:GetQueueAttributes', 'sqs:CreateQueue', a('sqs', `${p}dlq-abc1234`)),
    'aws:sns/topic:Topic': pair('sns:GetTopicAttributes', 'sns:CreateTopic', a('sns', `${p}alarms-abc1234`)),
    'aws:sns/topicSubscription:TopicSubscription': pair('sns:GetSubscriptionAttributes', 'sns:Subscribe', a('sns', `${p}alarms-abc1234`)),
    'aws:cloudwatch/logGroup:LogGroup': pair(
      'logs:DescribeLogGroups',
      'logs:CreateLogGroup',
      { resource: '*' },
      a('logs', `log-group:/aws/lambda/${p}processor`),
    ),
    'aws:cloudwatch/logResourcePolicy:LogResourcePolicy': pair('logs:DescribeResourcePolicies', 'logs:PutResourcePolicy', { resource: '*' }),
    'aws:cloudwatch/metricAlarm:MetricAlarm': pair('cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricAlarm', a('cloudwatch', `alarm:${p}api-5xx`)),
    'aws:cloudwatch/dashboard:Dashboard': pair('cloudwatch:GetDashboard', 'cloudwatch:PutDashboard', {
      resource: `arn:aws:cloudwatch::${account}:dashboard/${p}dashboard`,
    }),
    'aws:cognito/userPool:UserPool': pair('cognito-idp:DescribeUserPool', 'cognito-idp:CreateUserPool', a('cognito-idp', 'userpool/eu-west-1_AbCdEf123'), {
      resource: '*',
    }),
    'aws:cognito/userPoolClient:UserPoolClient': pair(
      'cognito-idp:DescribeUserPoolClient',
      'cognito-idp:CreateUserPoolClient',
      a('cognito-idp', 'userpool/eu-west-1_AbCdEf123'),
    ),
    'aws:cognito/userGroup:UserGroup': pair('cognito-idp:GetGroup', 'cognito-idp:CreateGroup', a('cognito-idp', 'userpool/eu-west-1_AbCdEf123')),
    'aws:ec2/securityGroup:SecurityGroup': pair('ec2:DescribeSecurityGroups', 'ec2:CreateSecurityGroup', { resource: '*' }, a('ec2', 'security-group/*')),
    'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule': pair(
      'ec2:DescribeSecurityGroupRules',
      'ec2:AuthorizeSecurityGroupIngress',
      { resource: '*' },
      a('ec2', 'security-group/sg-0123456789abcdef0'),
    ),
    'aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule': pair(
      'ec2:DescribeSecurityGroupRules',
      'ec2:AuthorizeSecurityGroupEgress',
      { resource: '*' },
      a('ec2', 'security-group/sg-0123456789abcdef0'),
    ),
    'aws:ec2/flowLog:FlowLog': pair('ec2:DescribeFlowLogs', 'ec2:CreateFlowLogs', { resource: '*' }, a('ec2', 'vpc-flow-log/*')),
    'aws:ec2/vpcEndpoint:VpcEndpoint': pair('ec2:DescribeVpcEndpoints', 'ec2:CreateVpcEndpoint', { resource: '*' }, a('ec2', 'vpc-endpoint/*')),
    'awsx:ec2:Vpc': pair('ec2:DescribeVpcs', 'ec2:CreateVpc', { resource: '*' }, a('ec2', 'vpc/*')),
    'aws:ecs/cluster:Cluster': pair('ecs:DescribeClusters', 'ecs:CreateCluster', a('ecs', `cluster/${p}cluster`), { resource: '*' }),
    'aws:ecs/service:Service': pair('ecs:DescribeServices', 'ecs:CreateService', a('ecs', `service/${p}cluster/${p}api`)),
    'aws:ecs/taskDefinition:TaskDefinition': pair('ecs:DescribeTaskDefinition', 'ecs:RegisterTaskDefinition', { resource: '*' }),
    'aws:lb/loadBalancer:LoadBalancer': pair(
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:CreateLoadBalancer',
      { resource: '*' },
      a('elasticloadbalancing', `loadbalancer/app/${p}alb/abc123`),
    ),
    'aws:lb/listener:Listener': pair(
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:CreateListener',
      { resource: '*' },
      a('elasticloadbalancing', `loadbalancer/app/${p}alb/abc123`),
    ),
    'aws:lb/targetGroup:TargetGroup': pair(
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:CreateTargetGroup',
      { resource: '*' },
      a('elasticloadbalancing', `targetgroup/${p}api/def456`),
    ),
    'aws:acm/certificate:Certificate': pair('acm:DescribeCertificate', 'acm:RequestCertificate', a('acm', 'certificate/abc'), { resource: '*' }),
    'aws:acm/certificateValidation:CertificateValidation': pair('acm:DescribeCertificate', 'acm:DescribeCertificate', a('acm', 'certificate/abc')),
    'aws:route53/record:Record': pair('route53:ListResourceRecordSets', 'route53:ChangeResourceRecordSets', {
      resource: 'arn:aws:route53:::hostedzone/Z04517273FZ1CNKSWM5QK',
    }),
    'aws:appautoscaling/target:Target': pair(
      'application-autoscaling:DescribeScalableTargets',
      'application-autoscaling:RegisterScalableTarget',
      { resource: '*' },
      a('application-autoscaling', 'scalable-target/abc'),
    ),
    'aws:appautoscaling/policy:Policy': pair(
      'application-autoscaling:DescribeScalingPolicies',
      'application-autoscaling:PutScalingPolicy',
      { resource: '*' },
      a('application-autoscaling', 'scalable-target/abc'),
    ),
    'aws:wafv2/webAcl:WebAcl': pair('wafv2:GetWebACL', 'wafv2:CreateWebACL', a('wafv2', `regional/webacl/${p}firewall/abc`)),
    'aws:wafv2/webAclAssociation:WebAclAssociation': pair(
      'wafv2:GetWebACLForResource',
      'wafv2:AssociateWebACL',
      a('wafv2', `regional/webacl/${p}firewall/abc`),
    ),
    'aws:xray/traceSegmentDestination:TraceSegmentDestination': pair('xray:GetTraceSegmentDestination', 'xray:UpdateTraceSegmentDestination', {
      resource: '*',
    }),
    'aws:backup/vault:Vault': pair('backup:DescribeBackupVault', 'backup:CreateBackupVault', a('backup', `backup-vault:${p}vault`)),
    'aws:backup/vaultLockConfiguration:VaultLockConfiguration': pair(
      'backup:DescribeBackupVault',
      'backup:PutBackupVaultLockConfiguration',
      a('backup', `backup-vault:${p}vault`),
    ),
    'aws:backup/plan:Plan': pair('backup:GetBackupPlan', 'backup:CreateBackupPlan', a('backup', 'backup-plan:abc'), { resource: '*' }),
    'aws:backup/selection:Selection': pair('backup:GetBackupSelection', 'backup:CreateBackupSelection', a('backup', 'backup-plan:abc')),
  };
  return table[type];
}

/** What every order stack's pipeline also does beyond creating its resources. */
export function deployExtras({ account, region, stack }: Where, state: { bucketArn: string; keyArn: string }): Need[] {
  const pool = { resource: `arn:aws:cognito-idp:${region}:${account}:userpool/eu-west-1_AbCdEf123`, context: { 'aws:ResourceTag/stack': stack } };
  return [
    { action: 'sts:GetCallerIdentity', resource: '*', why: 'the program reads its account' },
    { action: 's3:GetObject', resource: `${state.bucketArn}/.pulumi/stacks/orders/${stack}.json`, why: 'reads its checkpoint' },
    { action: 's3:PutObject', resource: `${state.bucketArn}/.pulumi/stacks/orders/${stack}.json`, why: 'writes its checkpoint' },
    { action: 's3:GetObject', resource: `${state.bucketArn}/.pulumi/stacks/orders/${stack}.pulumi-tags`, why: "reads its stack's tags (Pulumi ≥ 3.211)" },
    { action: 'kms:TagResource', resource: '*', context: { 'aws:RequestTag/stack': stack }, why: 'creates a key with the stack’s tags' },
    { action: 'application-signals:StartDiscovery', resource: '*', why: 'Transaction Search' },
    {
      action: 'iam:CreateServiceLinkedRole',
      resource: `arn:aws:iam::${account}:role/aws-service-role/application-signals.cloudwatch.amazonaws.com/AWSServiceRoleForCloudWatchApplicationSignals`,
      context: { 'iam:AWSServiceName': 'application-signals.cloudwatch.amazonaws.com' },
      why: 'Transaction Search',
    },
    {
      action: 'logs:CreateLogGroup',
      resource: `arn:aws:logs:${region}:${account}:log-group:aws/spans:log-stream:`,
      why: 'Transaction Search’s span log group',
    },
    { action: 's3:PutObject', resource: `${state.bucketArn}/.pulumi/locks/orders/${stack}/lock.json`, why: 'takes the stack lock' },
    { action: 's3:DeleteObject', resource: `${state.bucketArn}/.pulumi/locks/orders/${stack}/lock.json`, why: 'releases the stack lock' },
    { action: 's3:PutObject', resource: `${state.bucketArn}/.pulumi/history/orders/${stack}/${stack}-1.history.json`, why: 'records the update' },
    { action: 'kms:Decrypt', resource: state.keyArn, why: "decrypts its stack's secrets" },
    { action: 'kms:GenerateDataKey', resource: state.keyArn, why: "encrypts its stack's secrets" },
    {
      action: 'iam:PassRole',
      resource: `arn:aws:iam::${account}:role/orders-${stack}-task-abc1234`,
      context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      why: 'gives the task its role',
    },
    {
      action: 'iam:PassRole',
      resource: `arn:aws:iam::${account}:role/orders-${stack}-processor-abc1234`,
      context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
      why: 'gives the processor its role',
    },
    { action: 'cognito-idp:AdminCreateUser', ...pool, why: 'stack:bootstrap creates the load-test user' },
    { action: 'cognito-idp:AdminSetUserPassword', ...pool, why: 'stack:bootstrap and stack:smoke set passwords' },
    { action: 'cognito-idp:AdminInitiateAuth', ...pool, why: 'stack:smoke signs in its customer' },
    { action: 'cognito-idp:AdminListGroupsForUser', ...pool, why: 'stack:bootstrap checks the load-test user is in load-testers' },
    { action: 'cognito-idp:AdminAddUserToGroup', ...pool, why: 'stack:bootstrap puts the load-test user in load-testers' },
  ];
}

/** What a preview role needs beyond reading the stack's configuration. */
export function previewExtras({ stack }: Where, state: { bucketArn: string; keyArn: string }): Need[] {
  return [
    { action: 'sts:GetCallerIdentity', resource: '*', why: 'the program reads its account' },
    { action: 's3:ListBucket', resource: state.bucketArn, why: 'the backend lists its stacks' },
    { action: 's3:GetObject', resource: `${state.bucketArn}/.pulumi/meta.yaml`, why: "reads the backend's layout" },
    { action: 's3:GetObject', resource: `${state.bucketArn}/.pulumi/stacks/orders/${stack}.json`, why: 'reads its checkpoint' },
    { action: 's3:GetObject', resource: `${state.bucketArn}/.pulumi/stacks/orders/${stack}.pulumi-tags`, why: "reads its stack's tags (Pulumi ≥ 3.211)" },
    { action: 'kms:Decrypt', resource: state.keyArn, why: "decrypts its stack's secrets" },
    { action: 'cloudwatch:GetMetricData', resource: '*', why: 'the gate prices the run from CloudWatch' },
  ];
}
