import { asArray, ofType, parseJson, PROTECTED_STACKS, sourcesOf, violation, type ResourceRecord, type Rule } from './records';
import { isUnknown } from './unknowns';
/** Observability: log retention, the alarms every stack needs on series AWS publishes, and an alarm topic CloudWatch can publish to. */
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
