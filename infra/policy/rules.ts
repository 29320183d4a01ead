/**
 * Guard rules over a stack's resource graph, in the spirit of cdk-nag / AWSGuard. They read plain records
 * (type, name, inputs) so the same functions run in jest over the Pulumi-mocks graph and, through
 * infra/policy/index.ts, as a PolicyPack in `pulumi preview --policy-pack`.
 */
export interface ResourceRecord {
  type: string;
  name: string;
  /** The physical id where known, so rules can follow references (a rule's securityGroupId). */
  id?: string;
  inputs: Record<string, unknown>;
}

export interface Violation {
  rule: string;
  resource: string;
  message: string;
}

export interface RuleContext {
  stack: string;
}

export interface Rule {
  id: string;
  description: string;
  check(resources: readonly ResourceRecord[], context: RuleContext): Violation[];
}

/** Stacks whose data must be recoverable. */
export const PROTECTED_STACKS = ['stage', 'main'];

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

const ofType = (resources: readonly ResourceRecord[], type: string) => resources.filter((r) => r.type === type);
const violation = (rule: string, resource: ResourceRecord | string, message: string): Violation => ({
  rule,
  resource: typeof resource === 'string' ? resource : `${resource.type}::${resource.name}`,
  message,
});
const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const parseJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

export const noPublicTaskIps: Rule = {
  id: 'no-public-task-ip',
  description: 'ECS services run in private subnets without public IPs',
  check: (resources) =>
    ofType(resources, 'aws:ecs/service:Service')
      .filter((s) => (s.inputs.networkConfiguration as { assignPublicIp?: boolean } | undefined)?.assignPublicIp !== false)
      .map((s) => violation('no-public-task-ip', s, 'assignPublicIp must be false')),
};

const LOAD_BALANCER_PORTS = new Set([80, 443]);

export const noOpenIngress: Rule = {
  id: 'no-open-security-group',
  description: 'Only a load balancer security group accepts traffic from anywhere, and only on 80/443',
  check: (resources) => {
    const groups = new Map(ofType(resources, 'aws:ec2/securityGroup:SecurityGroup').map((g) => [g.id ?? g.name, g]));
    const isLoadBalancer = (groupId: unknown) => (groups.get(String(groupId))?.inputs.tags as Record<string, string> | undefined)?.role === 'load-balancer';
    const open = (cidr: unknown) => cidr === '0.0.0.0/0' || cidr === '::/0';
    const found: Violation[] = [];
    for (const rule of ofType(resources, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule')) {
      const { cidrIpv4, cidrIpv6, fromPort, toPort, securityGroupId, ipProtocol } = rule.inputs as Record<string, unknown>;
      if (!open(cidrIpv4) && !open(cidrIpv6)) continue;
      const webPort = fromPort === toPort && LOAD_BALANCER_PORTS.has(Number(fromPort)) && ipProtocol === 'tcp';
      if (!webPort || !isLoadBalancer(securityGroupId)) {
        found.push(violation('no-open-security-group', rule, `open to the internet on ${String(ipProtocol)} ${String(fromPort)}-${String(toPort)}`));
      }
    }
    // Inline rules on a group are not used by this program; any open one is a violation.
    for (const group of groups.values()) {
      for (const ingress of asArray(group.inputs.ingress as Array<{ cidrBlocks?: string[]; ipv6CidrBlocks?: string[] }>)) {
        if ([...(ingress.cidrBlocks ?? []), ...(ingress.ipv6CidrBlocks ?? [])].some(open)) {
          found.push(violation('no-open-security-group', group, 'inline ingress open to the internet'));
        }
      }
    }
    return found;
  },
};

export const encryptedData: Rule = {
  id: 'encrypted-data',
  description: 'Tables, queues and topics are encrypted with KMS or service-managed keys',
  check: (resources) => [
    ...ofType(resources, 'aws:dynamodb/table:Table')
      .filter((t) => (t.inputs.serverSideEncryption as { enabled?: boolean } | undefined)?.enabled !== true)
      .map((t) => violation('encrypted-data', t, 'serverSideEncryption must be enabled')),
    ...ofType(resources, 'aws:sqs/queue:Queue')
      .filter((q) => q.inputs.sqsManagedSseEnabled !== true && !q.inputs.kmsMasterKeyId)
      .map((q) => violation('encrypted-data', q, 'queue must use SSE (sqsManagedSseEnabled or a KMS key)')),
    ...ofType(resources, 'aws:sns/topic:Topic')
      .filter((t) => !t.inputs.kmsMasterKeyId)
      .map((t) => violation('encrypted-data', t, 'topic must use a KMS key')),
  ],
};

export const logRetention: Rule = {
  id: 'log-retention',
  description: 'Every log group has a retention, and every Lambda and container logs to one',
  check: (resources) => {
    const groups = ofType(resources, 'aws:cloudwatch/logGroup:LogGroup');
    const named = new Set(groups.map((g) => g.inputs.name));
    return [
      ...groups.filter((g) => !(Number(g.inputs.retentionInDays) > 0)).map((g) => violation('log-retention', g, 'retentionInDays must be set')),
      ...ofType(resources, 'aws:lambda/function:Function')
        .filter((f) => !named.has((f.inputs.loggingConfig as { logGroup?: string } | undefined)?.logGroup))
        .map((f) => violation('log-retention', f, 'must log to a log group declared with a retention')),
      ...ofType(resources, 'aws:ecs/taskDefinition:TaskDefinition').flatMap((t) =>
        (parseJson(t.inputs.containerDefinitions) as Array<{ name: string; logConfiguration?: { options?: Record<string, string> } }>)
          .filter((c) => !named.has(c.logConfiguration?.options?.['awslogs-group']))
          .map((c) => violation('log-retention', t, `container ${c.name} must log to a log group declared with a retention`)),
      ),
    ];
  },
};

/** The alarms every stack must have: namespace/metric pairs (or metric-math sources). */
export const REQUIRED_ALARMS: ReadonlyArray<[string, string]> = [
  ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count'],
  ['AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count'],
  ['AWS/ApplicationELB', 'HealthyHostCount'],
  ['AWS/ApplicationELB', 'TargetResponseTime'],
  ['AWS/Lambda', 'Errors'],
  ['AWS/Lambda', 'IteratorAge'],
  ['AWS/SQS', 'ApproximateNumberOfMessagesVisible'],
  ['AWS/DynamoDB', 'ReadThrottleEvents'],
  ['AWS/DynamoDB', 'WriteThrottleEvents'],
];

/**
 * The dimension sets AWS publishes some metrics with: an alarm on any other set watches a series that does
 * not exist and never fires (ThrottledRequests has no TableName-only series).
 */
export const PUBLISHED_DIMENSIONS: Record<string, string[][]> = {
  'AWS/DynamoDB ThrottledRequests': [['Operation', 'TableName']],
  'AWS/DynamoDB ReadThrottleEvents': [['TableName'], ['GlobalSecondaryIndexName', 'TableName']],
  'AWS/DynamoDB WriteThrottleEvents': [['TableName'], ['GlobalSecondaryIndexName', 'TableName']],
  'AWS/ApplicationELB HTTPCode_ELB_5XX_Count': [['LoadBalancer'], ['AvailabilityZone', 'LoadBalancer']],
  'AWS/ApplicationELB HealthyHostCount': [
    ['LoadBalancer', 'TargetGroup'],
    ['AvailabilityZone', 'LoadBalancer', 'TargetGroup'],
  ],
  'AWS/ApplicationELB UnHealthyHostCount': [
    ['LoadBalancer', 'TargetGroup'],
    ['AvailabilityZone', 'LoadBalancer', 'TargetGroup'],
  ],
};

/** Every metric an alarm watches: its own, or each of its metric-math sources. */
function watchedMetrics(alarm: ResourceRecord): Array<{ key: string; dimensions: string[] }> {
  const direct = alarm.inputs.metricName
    ? [
        {
          key: `${String(alarm.inputs.namespace)} ${String(alarm.inputs.metricName)}`,
          dimensions: Object.keys((alarm.inputs.dimensions as object | undefined) ?? {}),
        },
      ]
    : [];
  const queries = asArray(alarm.inputs.metricQueries as Array<{ metric?: { namespace: string; metricName: string; dimensions?: object } }>)
    .flatMap((q) => (q.metric ? [q.metric] : []))
    .map((metric) => ({ key: `${metric.namespace} ${metric.metricName}`, dimensions: Object.keys(metric.dimensions ?? {}) }));
  return [...direct, ...queries];
}

export const requiredAlarms: Rule = {
  id: 'required-alarms',
  description:
    'The stack alarms on API 5xx (targets and load balancer), healthy tasks and latency, processor errors and lag, dead letters and throttles, on series AWS publishes, and notifies someone',
  check: (resources, { stack }) => {
    const alarms = ofType(resources, 'aws:cloudwatch/metricAlarm:MetricAlarm');
    const watched = alarms.flatMap((a) => watchedMetrics(a).map((m) => ({ alarm: a, ...m })));
    const keys = new Set(watched.map((w) => w.key));
    const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
    const subscriptions = ofType(resources, 'aws:sns/topicSubscription:TopicSubscription');
    return [
      ...REQUIRED_ALARMS.filter(([ns, metric]) => !keys.has(`${ns} ${metric}`)).map(([ns, metric]) =>
        violation('required-alarms', 'stack', `no alarm on ${ns} ${metric}`),
      ),
      ...watched
        .filter((w) => {
          const published = PUBLISHED_DIMENSIONS[w.key];
          return published !== undefined && !published.some((set) => sameSet(set, w.dimensions));
        })
        .map((w) =>
          violation('required-alarms', w.alarm, `${w.key} is not published with the dimensions [${w.dimensions.join(', ')}]: the alarm watches nothing`),
        ),
      ...alarms.filter((a) => asArray(a.inputs.alarmActions as string[]).length === 0).map((a) => violation('required-alarms', a, 'alarm notifies nobody')),
      ...(PROTECTED_STACKS.includes(stack) && subscriptions.length === 0
        ? [violation('required-alarms', 'stack', `no one is subscribed to the alarms in ${stack}`)]
        : []),
    ];
  },
};

/** KMS key policies as documents. */
const keyPolicies = (resources: readonly ResourceRecord[]) =>
  ofType(resources, 'aws:kms/key:Key').map((k) => ({
    key: k,
    document: parseJson(k.inputs.policy) as
      { Statement?: Array<{ Effect: string; Principal?: { Service?: string | string[] }; Action: string | string[] }> } | undefined,
  }));

export const alarmTopicDeliverable: Rule = {
  id: 'alarm-topic-deliverable',
  description: 'Topics that alarms publish to use a customer-managed key whose policy lets CloudWatch encrypt for them',
  check: (resources) => {
    const cloudWatchCanPublish = keyPolicies(resources).some(({ document }) =>
      (document?.Statement ?? []).some((s) => {
        const actions = asArray(s.Action);
        return (
          s.Effect === 'Allow' &&
          asArray(s.Principal?.Service).includes('cloudwatch.amazonaws.com') &&
          actions.includes('kms:Decrypt') &&
          actions.some((a) => a === 'kms:GenerateDataKey*' || a === 'kms:GenerateDataKey')
        );
      }),
    );
    return ofType(resources, 'aws:sns/topic:Topic').flatMap((t) => {
      const key = String(t.inputs.kmsMasterKeyId ?? '');
      if (key.startsWith('alias/aws/'))
        return [violation('alarm-topic-deliverable', t, `${key} is AWS-managed: its policy cannot let CloudWatch publish, alarms would be dropped`)];
      if (!cloudWatchCanPublish)
        return [violation('alarm-topic-deliverable', t, 'no KMS key in the stack lets cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*')];
      return [];
    });
  },
};

export const pitrOnProtectedStacks: Rule = {
  id: 'pitr-on-protected-stacks',
  description: 'stage and main tables have point-in-time recovery and deletion protection on main',
  check: (resources, { stack }) => {
    if (!PROTECTED_STACKS.includes(stack)) return [];
    return ofType(resources, 'aws:dynamodb/table:Table').flatMap((t) => [
      ...((t.inputs.pointInTimeRecovery as { enabled?: boolean } | undefined)?.enabled === true
        ? []
        : [violation('pitr-on-protected-stacks', t, `point-in-time recovery must be on in ${stack}`)]),
      ...(stack === 'main' && t.inputs.deletionProtectionEnabled !== true
        ? [violation('pitr-on-protected-stacks', t, 'deletion protection must be on in main')]
        : []),
    ]);
  },
};

export const httpsOnStageAndMain: Rule = {
  id: 'https-on-stage-and-main',
  description: 'stage and main serve HTTPS only: a TLS listener with a certificate, and plain HTTP only redirects to it',
  check: (resources, { stack }) => {
    if (!PROTECTED_STACKS.includes(stack)) return [];
    const listeners = ofType(resources, 'aws:lb/listener:Listener');
    const https = listeners.filter((l) => l.inputs.protocol === 'HTTPS' && l.inputs.certificateArn);
    const redirectsToHttps = (l: ResourceRecord) =>
      asArray(l.inputs.defaultActions as Array<{ type: string; redirect?: { protocol?: string } }>).every(
        (a) => a.type === 'redirect' && a.redirect?.protocol === 'HTTPS',
      );
    return [
      ...(https.length === 0 ? [violation('https-on-stage-and-main', 'stack', `${stack} has no HTTPS listener: set orders:domain (README, HTTPS)`)] : []),
      ...listeners
        .filter((l) => l.inputs.protocol === 'HTTP' && !redirectsToHttps(l))
        .map((l) => violation('https-on-stage-and-main', l, `plain HTTP must only redirect to HTTPS in ${stack}`)),
    ];
  },
};

export const productionSignIn: Rule = {
  id: 'production-sign-in',
  description: 'main: no app client accepts a password in USER_PASSWORD_AUTH, and Cognito threat protection is enforced',
  check: (resources, { stack }) => {
    if (stack !== 'main') return [];
    return [
      ...ofType(resources, 'aws:cognito/userPoolClient:UserPoolClient')
        .filter((c) => asArray(c.inputs.explicitAuthFlows as string[]).includes('ALLOW_USER_PASSWORD_AUTH'))
        .map((c) => violation('production-sign-in', c, 'a public client must not accept passwords on main (SRP and refresh only)')),
      ...ofType(resources, 'aws:cognito/userPool:UserPool')
        .filter((p) => (p.inputs.userPoolAddOns as { advancedSecurityMode?: string } | undefined)?.advancedSecurityMode !== 'ENFORCED')
        .map((p) => violation('production-sign-in', p, 'threat protection must be ENFORCED on main')),
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
  description: 'IAM policies name actions exactly and resources by ARN; "*" only where AWS requires it',
  check: (resources) =>
    ofType(resources, 'aws:iam/rolePolicy:RolePolicy').flatMap((p) => {
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

export const rules: readonly Rule[] = [
  noPublicTaskIps,
  noOpenIngress,
  encryptedData,
  logRetention,
  requiredAlarms,
  alarmTopicDeliverable,
  pitrOnProtectedStacks,
  httpsOnStageAndMain,
  productionSignIn,
  leastPrivilegeIam,
];

export const evaluate = (resources: readonly ResourceRecord[], context: RuleContext): Violation[] => rules.flatMap((rule) => rule.check(resources, context));
