import { isUnknown } from './unknowns';

export { isUnknown, UNKNOWN } from './unknowns';

/**
 * Guard rules over a stack's resource graph, in the spirit of cdk-nag / AWSGuard. They read plain records
 * (type, name, inputs) so the same functions run in jest over the Pulumi-mocks graph and, through
 * infra/policy/index.ts, as a PolicyPack in `pulumi preview --policy-pack`.
 *
 * At a preview of a first deploy every id and every value computed from one is unknown (`isUnknown`: the engine's
 * sentinel string). A rule judges what is known and never reads an unknown as if it were a value: a reference it
 * needs (a rule's security group) is followed through `propertyDependencies`, which the engine gives at preview
 * too, and each rule's description says what it does with a value that stays unknown.
 */
export interface ResourceRecord {
  type: string;
  name: string;
  /** The physical id where known (undefined while unknown at a preview), so rules can follow references. */
  id?: string;
  inputs: Record<string, unknown>;
  /** The resource's URN, where the record comes from the engine or the graph runner. */
  urn?: string;
  /** For each input, the URNs of the resources its value came from (known at a preview too). */
  propertyDependencies?: Record<string, string[]>;
}

export interface Violation {
  rule: string;
  resource: string;
  message: string;
  /** The offending resource's URN, where its record has one (the pack reports the violation against it). */
  urn?: string;
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

const SECURITY_GROUP = 'aws:ec2/securityGroup:SecurityGroup';
const ofType = (resources: readonly ResourceRecord[], type: string) => resources.filter((r) => r.type === type);
const violation = (rule: string, resource: ResourceRecord | string, message: string): Violation => ({
  rule,
  resource: typeof resource === 'string' ? resource : `${resource.type}::${resource.name}`,
  message,
  ...(typeof resource !== 'string' && resource.urn ? { urn: resource.urn } : {}),
});
const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const parseJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

/**
 * The resources of `type` that `resource`'s input `property` was computed from, by the URNs the engine records for
 * it (its property dependencies): how a rule follows a reference whose value (an id, an ARN) is unknown at preview.
 */
export const sourcesOf = (resources: readonly ResourceRecord[], resource: ResourceRecord, property: string, type: string): ResourceRecord[] => {
  const urns = new Set(resource.propertyDependencies?.[property] ?? []);
  return resources.filter((r) => r.type === type && r.urn !== undefined && urns.has(r.urn));
};

/**
 * The resource of `type` whose id `resource`'s input `property` holds: found by that id where it is known, else (at a
 * preview, where ids are unknown) as the one resource of `type` the value was computed from. Undefined when neither
 * tells: the reference is then to something outside the stack, and a rule cannot vouch for it.
 */
export const referencedResource = (
  resources: readonly ResourceRecord[],
  resource: ResourceRecord,
  property: string,
  type: string,
): ResourceRecord | undefined => {
  const value = resource.inputs[property];
  if (!isUnknown(value)) return value === undefined ? undefined : resources.find((r) => r.type === type && (r.id ?? r.name) === value);
  const sources = sourcesOf(resources, resource, property, type);
  return sources.length === 1 ? sources[0] : undefined;
};

/** The only stack whose tasks may have public IPs (it has no NAT gateway: README, "Fixed monthly cost"). */
export const PUBLIC_TASK_IP_STACKS = ['development'];

export const noPublicTaskIps: Rule = {
  id: 'no-public-task-ip',
  description:
    'ECS services run without public IPs, except on development, where a task with one must sit in security groups of the stack that admit ' +
    'nothing but the load balancer’s group (groups are found by id, or at preview by the groups their ids come from; one it cannot find fails)',
  check: (resources, { stack }) => {
    const groups = ofType(resources, SECURITY_GROUP);
    // The groups a list of ids names: by id, or at preview (ids unknown) the groups the list was computed from.
    const groupsIn = (record: ResourceRecord, property: string, ids: unknown): { found: ResourceRecord[]; missing: string[] } => {
      const list = asArray(ids as unknown[]);
      if (isUnknown(ids) || list.some(isUnknown)) {
        const found = sourcesOf(resources, record, property, SECURITY_GROUP);
        return { found, missing: found.length === 0 ? ['its group’s id is unknown and comes from no group of the stack'] : [] };
      }
      const found = groups.filter((g) => list.includes(g.id ?? g.name));
      const missing = list.map(String).filter((id) => !found.some((g) => (g.id ?? g.name) === id));
      return { found, missing: missing.map((id) => `${id} is not a group of the stack, so what it admits is unknown`) };
    };
    const set = (value: unknown) => value !== undefined && value !== null && value !== '';
    const loadBalancerGroups = new Set(
      ofType(resources, 'aws:lb/loadBalancer:LoadBalancer').flatMap((lb) => groupsIn(lb, 'securityGroups', lb.inputs.securityGroups).found),
    );
    // What a task's group admits besides the load balancer's group: ingress rules on it, and inline ingress.
    const admitsOthers = (group: ResourceRecord): string[] => [
      ...ofType(resources, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule')
        .filter((r) => referencedResource(resources, r, 'securityGroupId', SECURITY_GROUP) === group)
        .filter((r) => {
          const from = referencedResource(resources, r, 'referencedSecurityGroupId', SECURITY_GROUP);
          return !(from && loadBalancerGroups.has(from)) || set(r.inputs.cidrIpv4) || set(r.inputs.cidrIpv6) || set(r.inputs.prefixListId);
        })
        .map((r) => `${r.name} admits ${String(r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6 ?? r.inputs.prefixListId ?? r.inputs.referencedSecurityGroupId)}`),
      ...ofType(resources, 'aws:ec2/securityGroupRule:SecurityGroupRule')
        .filter((r) => r.inputs.type === 'ingress' && referencedResource(resources, r, 'securityGroupId', SECURITY_GROUP) === group)
        .filter((r) => {
          const from = referencedResource(resources, r, 'sourceSecurityGroupId', SECURITY_GROUP);
          return !(from && loadBalancerGroups.has(from)) || asArray(r.inputs.cidrBlocks as unknown[]).length > 0;
        })
        .map((r) => `${r.name} admits more than the load balancer`),
      ...(isUnknown(group.inputs.ingress) || asArray(group.inputs.ingress as unknown[]).length > 0 ? [`${group.name} has inline ingress`] : []),
    ];
    return ofType(resources, 'aws:ecs/service:Service').flatMap((s) => {
      const network = s.inputs.networkConfiguration as { assignPublicIp?: unknown; securityGroups?: unknown } | undefined;
      if (network !== undefined && !isUnknown(network) && network.assignPublicIp === false) return [];
      if (!PUBLIC_TASK_IP_STACKS.includes(stack)) return [violation('no-public-task-ip', s, `assignPublicIp must be false on ${stack}`)];
      if (network === undefined || isUnknown(network) || asArray(network.securityGroups as unknown[]).length === 0)
        return [violation('no-public-task-ip', s, 'a task with a public IP needs its own security group (the VPC default admits the VPC)')];
      const { found, missing } = groupsIn(s, 'networkConfiguration', network.securityGroups);
      return [...missing, ...found.flatMap(admitsOthers)].map((reason) =>
        violation('no-public-task-ip', s, `a task with a public IP must admit only the load balancer’s security group: ${reason}`),
      );
    });
  },
};

const LOAD_BALANCER_PORTS = new Set([80, 443]);

export const noOpenIngress: Rule = {
  id: 'no-open-security-group',
  description:
    'Only a load balancer security group accepts traffic from anywhere, and only on 80/443 (a rule’s group is found by its id, or at preview by ' +
    'the group its id comes from; a group it cannot find is not a load balancer group)',
  check: (resources) => {
    const groups = ofType(resources, SECURITY_GROUP);
    // The rule's group: by its id, or at a preview (ids unknown) through the property dependencies of securityGroupId.
    // One it cannot find (outside the stack, or computed from something else) counts as not a load balancer group.
    const onLoadBalancerGroup = (rule: ResourceRecord) =>
      (referencedResource(resources, rule, 'securityGroupId', SECURITY_GROUP)?.inputs.tags as Record<string, string> | undefined)?.role === 'load-balancer';
    // A CIDR still unknown at preview is computed from another resource (a VPC's or subnet's block), never the literal "anywhere".
    const open = (cidr: unknown) => cidr === '0.0.0.0/0' || cidr === '::/0';
    const found: Violation[] = [];
    for (const rule of ofType(resources, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule')) {
      const { cidrIpv4, cidrIpv6, fromPort, toPort, ipProtocol } = rule.inputs as Record<string, unknown>;
      if (!open(cidrIpv4) && !open(cidrIpv6)) continue;
      const webPort = fromPort === toPort && LOAD_BALANCER_PORTS.has(Number(fromPort)) && ipProtocol === 'tcp';
      if (!webPort || !onLoadBalancerGroup(rule)) {
        found.push(violation('no-open-security-group', rule, `open to the internet on ${String(ipProtocol)} ${String(fromPort)}-${String(toPort)}`));
      }
    }
    // Inline rules on a group are not used by this program; any open one is a violation, and so is a list still unknown.
    for (const group of groups) {
      if (isUnknown(group.inputs.ingress)) {
        found.push(violation('no-open-security-group', group, 'inline ingress is unknown: it may be open to the internet'));
        continue;
      }
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
  description: 'Tables, queues and topics are encrypted with KMS or service-managed keys (a key still unknown at preview is one the stack sets)',
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
  description:
    'Every log group has a retention, and every Lambda and container logs to one (where a log group name or the container definitions are ' +
    'still unknown at preview, they must be computed from a log group of the stack)',
  check: (resources) => {
    const LOG_GROUP = 'aws:cloudwatch/logGroup:LogGroup';
    const groups = ofType(resources, LOG_GROUP);
    const named = new Set(groups.map((g) => g.inputs.name));
    // A value still unknown at preview (a name or a document built from outputs) counts only if it was computed from
    // a log group declared in the stack (its property dependencies); whose group exactly is judged once it is known.
    const fromLogGroup = (r: ResourceRecord, property: string) => sourcesOf(resources, r, property, LOG_GROUP).length > 0;
    return [
      ...groups.filter((g) => !(Number(g.inputs.retentionInDays) > 0)).map((g) => violation('log-retention', g, 'retentionInDays must be set')),
      ...ofType(resources, 'aws:lambda/function:Function')
        .filter((f) => {
          const logGroup = (f.inputs.loggingConfig as { logGroup?: string } | undefined)?.logGroup;
          return isUnknown(f.inputs.loggingConfig) || isUnknown(logGroup) ? !fromLogGroup(f, 'loggingConfig') : !named.has(logGroup);
        })
        .map((f) => violation('log-retention', f, 'must log to a log group declared with a retention')),
      ...ofType(resources, 'aws:ecs/taskDefinition:TaskDefinition').flatMap((t) => {
        if (isUnknown(t.inputs.containerDefinitions)) {
          return fromLogGroup(t, 'containerDefinitions')
            ? []
            : [violation('log-retention', t, 'container definitions (unknown at preview) are computed from no log group of the stack')];
        }
        return (parseJson(t.inputs.containerDefinitions) as Array<{ name: string; logConfiguration?: { options?: Record<string, string> } }>)
          .filter((c) => !named.has(c.logConfiguration?.options?.['awslogs-group']))
          .map((c) => violation('log-retention', t, `container ${c.name} must log to a log group declared with a retention`));
      }),
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

/** An alarm's dimension names; a dimension map still unknown at preview names none AWS publishes. */
const dimensionNames = (dimensions: unknown): string[] => (isUnknown(dimensions) ? ['(unknown)'] : Object.keys((dimensions as object | undefined) ?? {}));

/** Every metric an alarm watches: its own, or each of its metric-math sources. */
function watchedMetrics(alarm: ResourceRecord): Array<{ key: string; dimensions: string[] }> {
  const direct = alarm.inputs.metricName
    ? [
        {
          key: `${String(alarm.inputs.namespace)} ${String(alarm.inputs.metricName)}`,
          dimensions: dimensionNames(alarm.inputs.dimensions),
        },
      ]
    : [];
  const queries = asArray(alarm.inputs.metricQueries as Array<{ metric?: { namespace: string; metricName: string; dimensions?: object } }>)
    .flatMap((q) => (q.metric ? [q.metric] : []))
    .map((metric) => ({ key: `${metric.namespace} ${metric.metricName}`, dimensions: dimensionNames(metric.dimensions) }));
  return [...direct, ...queries];
}

export const requiredAlarms: Rule = {
  id: 'required-alarms',
  description:
    'The stack alarms on API 5xx (targets and load balancer), healthy tasks and latency, processor errors and lag, dead letters and throttles, on series AWS publishes, and notifies someone ' +
    '(alarm actions still unknown at preview must be computed from a topic of the stack; dimensions still unknown are not a published set)',
  check: (resources, { stack }) => {
    const alarms = ofType(resources, 'aws:cloudwatch/metricAlarm:MetricAlarm');
    const notifies = (alarm: ResourceRecord) =>
      isUnknown(alarm.inputs.alarmActions)
        ? sourcesOf(resources, alarm, 'alarmActions', 'aws:sns/topic:Topic').length > 0
        : asArray(alarm.inputs.alarmActions as string[]).length > 0;
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
      ...alarms.filter((a) => !notifies(a)).map((a) => violation('required-alarms', a, 'alarm notifies nobody')),
      ...(PROTECTED_STACKS.includes(stack) && subscriptions.length === 0
        ? [violation('required-alarms', 'stack', `no one is subscribed to the alarms in ${stack}`)]
        : []),
    ];
  },
};

/** KMS key policies as documents; a policy still unknown at preview reads as none (it grants nothing). */
const keyPolicies = (resources: readonly ResourceRecord[]) =>
  ofType(resources, 'aws:kms/key:Key').map((k) => ({
    key: k,
    document: (isUnknown(k.inputs.policy) ? undefined : parseJson(k.inputs.policy)) as
      { Statement?: Array<{ Effect: string; Principal?: { Service?: string | string[] }; Action: string | string[] }> } | undefined,
  }));

export const alarmTopicDeliverable: Rule = {
  id: 'alarm-topic-deliverable',
  description:
    'Topics that alarms publish to use a customer-managed key whose policy lets CloudWatch encrypt for them (a key policy still unknown at preview grants nothing)',
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
  description:
    'stage and main serve HTTPS only: a TLS listener with a certificate, and plain HTTP only redirects to it (a certificate ARN still unknown at preview is one the stack sets)',
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
  description: 'main: no app client accepts a password in USER_PASSWORD_AUTH, and Cognito threat protection is on (AUDIT, then ENFORCED)',
  check: (resources, { stack }) => {
    if (stack !== 'main') return [];
    return [
      ...ofType(resources, 'aws:cognito/userPoolClient:UserPoolClient')
        .filter((c) => asArray(c.inputs.explicitAuthFlows as string[]).includes('ALLOW_USER_PASSWORD_AUTH'))
        .map((c) => violation('production-sign-in', c, 'a public client must not accept passwords on main (SRP and refresh only)')),
      ...ofType(resources, 'aws:cognito/userPool:UserPool')
        // AUDIT first (risks scored and logged, nothing blocked), ENFORCED once the audit shows no false positives (README).
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

const TABLE = 'aws:dynamodb/table:Table';
const KMS_KEY = 'aws:kms/key:Key';
const BUCKET = 'aws:s3/bucket:Bucket';

/**
 * Whether `value`, an input of `from` (inside its input `property`), names `target`: by the target's id, name, ARN or
 * bucket where the value is known, else (a preview's unknown) by the URNs the engine records `property` was computed
 * from.
 */
const names = (from: ResourceRecord, property: string, value: unknown, target: ResourceRecord): boolean => {
  if (isUnknown(value)) return target.urn !== undefined && (from.propertyDependencies?.[property] ?? []).includes(target.urn);
  const ids = [target.id, target.name, target.inputs.name, target.inputs.arn, target.inputs.bucket].filter((x) => x !== undefined && !isUnknown(x));
  return value !== undefined && value !== null && ids.includes(value);
};

/** The key of the stack an input (a KMS key ARN) comes from: by the ARN where the record has it, else by property dependencies. */
const keyOf = (resources: readonly ResourceRecord[], from: ResourceRecord, property: string, arn: unknown): ResourceRecord | undefined =>
  ofType(resources, KMS_KEY).find(
    (k) => (!isUnknown(arn) && arn !== undefined && k.inputs.arn === arn) || sourcesOf(resources, from, property, KMS_KEY).includes(k),
  );

interface KeyStatement {
  Effect: string;
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** Whether a key's policy lets the account's principals use it through DynamoDB (a policy still unknown grants nothing). */
const dynamoDbMayUse = (key: ResourceRecord): boolean => {
  if (isUnknown(key.inputs.policy) || key.inputs.policy === undefined) return false;
  const statements = asArray((parseJson(key.inputs.policy) as { Statement?: KeyStatement | KeyStatement[] }).Statement);
  return statements.some((s) => {
    const actions = asArray(s.Action);
    const condition = { ...s.Condition?.StringEquals, ...s.Condition?.StringLike };
    return (
      s.Effect === 'Allow' &&
      actions.includes('kms:Decrypt') &&
      actions.some((a) => a === 'kms:GenerateDataKey*' || a === 'kms:GenerateDataKey') &&
      typeof condition['kms:ViaService'] === 'string' &&
      condition['kms:ViaService'].startsWith('dynamodb.') &&
      condition['kms:CallerAccount'] !== undefined
    );
  });
};

export const tableCustomerManagedKey: Rule = {
  id: 'table-customer-managed-key',
  description:
    'stage and main tables are encrypted with a customer-managed KMS key of the stack that rotates and lets this account’s principals use it ' +
    'through DynamoDB only (a table with encryption switched off is encrypted-data’s finding; a key ARN still unknown at preview is followed to ' +
    'the key it comes from; a key policy still unknown grants nothing)',
  check: (resources, { stack }) => {
    if (!PROTECTED_STACKS.includes(stack)) return [];
    const id = 'table-customer-managed-key';
    return ofType(resources, TABLE).flatMap((table) => {
      const encryption = table.inputs.serverSideEncryption as { enabled?: unknown; kmsKeyArn?: unknown } | undefined;
      if (encryption?.enabled !== true) return [];
      const keyArn = encryption.kmsKeyArn;
      if (keyArn === undefined || keyArn === null || keyArn === '')
        return [
          violation(
            id,
            table,
            `must be encrypted with a customer-managed KMS key in ${stack} (serverSideEncryption.kmsKeyArn), not an AWS-owned or AWS-managed one`,
          ),
        ];
      if (typeof keyArn === 'string' && keyArn.includes('alias/aws/')) return [violation(id, table, `${keyArn} is AWS-managed: use a customer-managed key`)];
      const key = keyOf(resources, table, 'serverSideEncryption', keyArn);
      if (!key) return [violation(id, table, 'its key is not one the stack declares, so its rotation and policy cannot be checked')];
      return [
        ...(key.inputs.enableKeyRotation === true || isUnknown(key.inputs.enableKeyRotation)
          ? []
          : [violation(id, key, 'the table’s key must rotate (enableKeyRotation)')]),
        ...(dynamoDbMayUse(key)
          ? []
          : [
              violation(
                id,
                key,
                'the table’s key policy must let this account’s principals use it through DynamoDB (kms:ViaService dynamodb.*, kms:CallerAccount)',
              ),
            ]),
      ];
    });
  },
};

interface PlanRule {
  ruleName?: string;
  targetVaultName?: unknown;
  schedule?: unknown;
  lifecycle?: { deleteAfter?: unknown };
}

export const tableBackup: Rule = {
  id: 'table-backup',
  description:
    'stage and main back their table up: a backup plan selects it with a scheduled rule that keeps recovery points for a set time in a vault of the ' +
    'stack, encrypted with a customer-managed key of the stack and locked for at least that time, in compliance mode on main (references still ' +
    'unknown at preview are followed through the engine’s property dependencies; lock settings still unknown count as set)',
  check: (resources, { stack }) => {
    if (!PROTECTED_STACKS.includes(stack)) return [];
    const id = 'table-backup';
    const plans = ofType(resources, 'aws:backup/plan:Plan');
    const vaults = ofType(resources, 'aws:backup/vault:Vault');
    const locks = ofType(resources, 'aws:backup/vaultLockConfiguration:VaultLockConfiguration');
    const known = (value: unknown): value is number => typeof value === 'number';
    // What stands between a rule of `plan` and a locked, encrypted copy of the table, each on the resource at fault.
    const ruleProblems = (plan: ResourceRecord, rule: PlanRule): Violation[] => {
      const label = `rule ${rule.ruleName ?? '(unnamed)'} of plan ${plan.name}`;
      const retention = rule.lifecycle?.deleteAfter;
      const vault = vaults.find((v) => names(plan, 'rules', rule.targetVaultName, v));
      const problems = [
        ...(rule.schedule === undefined || rule.schedule === '' ? [violation(id, plan, `${label} has no schedule`)] : []),
        ...(retention === undefined || (known(retention) && retention <= 0) ? [violation(id, plan, `${label} sets no retention (lifecycle.deleteAfter)`)] : []),
      ];
      if (!vault) return [...problems, violation(id, plan, `${label} backs up into a vault the stack does not declare`)];
      if (!keyOf(resources, vault, 'kmsKeyArn', vault.inputs.kmsKeyArn))
        problems.push(violation(id, vault, `vault ${vault.name} must be encrypted with a customer-managed key of the stack`));
      const lock = locks.find((l) => names(l, 'backupVaultName', l.inputs.backupVaultName, vault));
      if (!lock) return [...problems, violation(id, vault, `vault ${vault.name} is not locked (no VaultLockConfiguration)`)];
      const { changeableForDays, minRetentionDays, maxRetentionDays } = lock.inputs;
      if (stack === 'main' && (changeableForDays === undefined || changeableForDays === null))
        problems.push(violation(id, lock, `vault ${vault.name} must be locked in compliance mode on main (changeableForDays set)`));
      if (minRetentionDays === undefined || minRetentionDays === null)
        problems.push(violation(id, lock, `the lock of vault ${vault.name} sets no minRetentionDays, so it holds no recovery point`));
      if (known(minRetentionDays) && known(retention) && retention < minRetentionDays)
        problems.push(
          violation(id, plan, `${label} keeps recovery points ${retention} days, under the lock’s minimum of ${minRetentionDays}: every job would fail`),
        );
      if (known(maxRetentionDays) && known(retention) && retention > maxRetentionDays)
        problems.push(
          violation(id, plan, `${label} keeps recovery points ${retention} days, over the lock’s maximum of ${maxRetentionDays}: every job would fail`),
        );
      return problems;
    };
    return ofType(resources, TABLE).flatMap((table) => {
      const selections = ofType(resources, 'aws:backup/selection:Selection').filter(
        (s) =>
          (table.urn !== undefined && (s.propertyDependencies?.resources ?? []).includes(table.urn)) ||
          asArray(s.inputs.resources as unknown[]).some((r) => !isUnknown(r) && names(s, 'resources', r, table)),
      );
      if (selections.length === 0) return [violation(id, table, `no backup plan selects the table in ${stack}`)];
      // Each way the table is backed up, with what is wrong with it; one sound way is enough.
      const ways = selections.map((selection): Violation[] => {
        const plan = plans.find((p) => names(selection, 'planId', selection.inputs.planId, p));
        if (!plan) return [violation(id, selection, `selection ${selection.name} belongs to no backup plan of the stack`)];
        if (isUnknown(plan.inputs.rules)) return [];
        const candidates = asArray(plan.inputs.rules as PlanRule[]).map((rule) => ruleProblems(plan, rule));
        return candidates.find((p) => p.length === 0) ?? candidates[0] ?? [violation(id, plan, `plan ${plan.name} has no rule`)];
      });
      return ways.some((w) => w.length === 0) ? [] : (ways[0] ?? []);
    });
  },
};

export const logBucketsVersioned: Rule = {
  id: 'log-buckets-versioned',
  description:
    'Every bucket of the stack (they hold audit logs) is versioned, expires noncurrent versions, and on stage and main is never force-destroyed ' +
    '(a bucket reference still unknown at preview is followed through the engine’s property dependencies; a status still unknown counts as set)',
  check: (resources, { stack }) => {
    const id = 'log-buckets-versioned';
    return ofType(resources, BUCKET).flatMap((bucket) => {
      const on = (type: string) => ofType(resources, type).filter((r) => names(r, 'bucket', r.inputs.bucket, bucket));
      const enabled = (status: unknown) => status === 'Enabled' || isUnknown(status);
      const versioned =
        (bucket.inputs.versioning as { enabled?: boolean } | undefined)?.enabled === true ||
        on('aws:s3/bucketVersioning:BucketVersioning').some((v) => enabled((v.inputs.versioningConfiguration as { status?: unknown } | undefined)?.status));
      const noncurrentExpire = on('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration').some((l) =>
        asArray(l.inputs.rules as Array<{ status?: unknown; noncurrentVersionExpiration?: { noncurrentDays?: unknown } }>).some(
          (r) => enabled(r.status) && r.noncurrentVersionExpiration?.noncurrentDays !== undefined,
        ),
      );
      return [
        ...(versioned ? [] : [violation(id, bucket, 'must be versioned (BucketVersioning with status Enabled)')]),
        ...(noncurrentExpire ? [] : [violation(id, bucket, 'noncurrent versions must expire (a lifecycle rule with noncurrentVersionExpiration)')]),
        ...(PROTECTED_STACKS.includes(stack) && bucket.inputs.forceDestroy === true
          ? [violation(id, bucket, `forceDestroy would delete every log with the bucket: not on ${stack}`)]
          : []),
      ];
    });
  },
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

interface EndpointStatement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export const dynamoDbEndpointPolicy: Rule = {
  id: 'dynamodb-endpoint-policy',
  description:
    'A DynamoDB VPC endpoint has a policy that lets only principals of this account reach named tables (AWS’s default lets anyone reach any ' +
    'table); a policy still unknown at preview, built from the table’s ARN, is one the stack sets, and an endpoint list still unknown is judged at the update',
  check: (resources) => {
    const id = 'dynamodb-endpoint-policy';
    const isDynamoDb = (serviceName: unknown) => typeof serviceName === 'string' && serviceName.endsWith('.dynamodb');
    // awsx's VPC takes the endpoint as a spec (its inputs, as the mocks record them); the engine also sees the endpoint.
    const endpoints = [
      ...ofType(resources, 'awsx:ec2:Vpc').flatMap((vpc) =>
        isUnknown(vpc.inputs.vpcEndpointSpecs)
          ? []
          : asArray(vpc.inputs.vpcEndpointSpecs as Array<{ serviceName?: unknown; policy?: unknown }>)
              .filter((spec) => isDynamoDb(spec.serviceName))
              .map((spec) => ({ record: vpc, policy: spec.policy })),
      ),
      ...ofType(resources, 'aws:ec2/vpcEndpoint:VpcEndpoint')
        .filter((e) => isDynamoDb(e.inputs.serviceName))
        .map((e) => ({ record: e, policy: e.inputs.policy })),
    ];
    return endpoints.flatMap(({ record, policy }) => {
      if (isUnknown(policy)) return [];
      if (policy === undefined || policy === null || policy === '')
        return [violation(id, record, 'the DynamoDB endpoint has no policy: AWS’s default lets every principal reach every table')];
      return asArray((parseJson(policy) as { Statement?: EndpointStatement | EndpointStatement[] }).Statement)
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => {
          const label = s.Sid ?? 'a statement';
          const targets = asArray(s.Resource);
          const account = s.Condition?.StringEquals?.['aws:PrincipalAccount'];
          return [
            ...(targets.length === 0 ? [`${label} names no table`] : []),
            ...targets
              .filter((r) => !/^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[^*]+/.test(r))
              .map((r) => `${label} reaches ${r}: name the stack’s table`),
            ...(asArray(s.Action).includes('*') ? [`${label} allows every action of every service`] : []),
            ...(account ? [] : [`${label} admits principals of any account: limit it with aws:PrincipalAccount`]),
          ].map((message) => violation(id, record, message));
        });
    });
  },
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
  tableCustomerManagedKey,
  tableBackup,
  logBucketsVersioned,
  serviceRoleTrust,
  dynamoDbEndpointPolicy,
  stackRolesBounded,
];

export const evaluate = (resources: readonly ResourceRecord[], context: RuleContext): Violation[] => rules.flatMap((rule) => rule.check(resources, context));
