import { leastPrivilegeIam, serviceRoleTrust, stackRolesBounded } from '../../infra/policy/access';
import { alarmTopicDeliverable, logRetention, requiredAlarms } from '../../infra/policy/observability';
import type { ResourceRecord } from '../../infra/policy/records';
import { UNKNOWN } from '../../infra/policy/unknowns';
import { messages, record } from './handBuiltGraph';

/**
 * The observability and access rules on small graphs built by hand, one fact changed per case, each expectation from
 * the rule's description and the AWS behaviour behind it: CloudWatch publishes a metric only under the dimension sets
 * AWS documents, it needs kms:Decrypt and kms:GenerateDataKey* on a topic's key, a service role's trust takes the
 * confused-deputy conditions, and an IAM document's `*` reaches everything. rules.test.ts shows each rule catching
 * its violation on the program's own graph; these hold the edges that graph does not have.
 */

describe('log-retention', () => {
  const LOG_GROUP = 'aws:cloudwatch/logGroup:LogGroup';
  const group = (retentionInDays: unknown) => record(LOG_GROUP, 'lg', { name: '/orders/app', retentionInDays });
  const lambda = (loggingConfig: unknown, extra: Partial<ResourceRecord> = {}) => record('aws:lambda/function:Function', 'fn', { loggingConfig }, extra);
  const task = (containerDefinitions: unknown, extra: Partial<ResourceRecord> = {}) =>
    record('aws:ecs/taskDefinition:TaskDefinition', 'td', { containerDefinitions }, extra);
  const container = (logGroup: string | undefined) => ({ name: 'api', logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': logGroup } } });
  const found = (...resources: ResourceRecord[]) => messages(logRetention, resources);

  it('wants a retention of at least a day on every log group', () => {
    expect(found(group(1))).toEqual([]);
    for (const days of [0, undefined, 'never']) expect(found(group(days))).toEqual(['retentionInDays must be set']);
  });

  it('wants a Lambda to log to a group of the stack: by name, or at a preview by what its config was computed from', () => {
    expect(found(group(7), lambda({ logGroup: '/orders/app' }))).toEqual([]);
    const elsewhere = 'must log to a log group declared with a retention';
    expect(found(group(7), lambda({ logGroup: '/aws/lambda/fn' }))).toEqual([elsewhere]);
    expect(found(group(7), lambda(undefined))).toEqual([elsewhere]);
    const fromGroup = { propertyDependencies: { loggingConfig: [group(7).urn!] } };
    expect(found(group(7), lambda(UNKNOWN, fromGroup))).toEqual([]);
    expect(found(group(7), lambda({ logGroup: UNKNOWN }, fromGroup))).toEqual([]);
    expect(found(group(7), lambda(UNKNOWN))).toEqual([elsewhere]);
    expect(found(group(7), lambda({ logGroup: UNKNOWN }))).toEqual([elsewhere]);
  });

  it('wants every container to log to a group of the stack, and definitions unknown at a preview to come from one', () => {
    expect(found(group(7), task(JSON.stringify([container('/orders/app')])))).toEqual([]);
    expect(found(group(7), task(JSON.stringify([container('/orders/app'), { name: 'sidecar' }])))).toEqual([
      'container sidecar must log to a log group declared with a retention',
    ]);
    expect(found(group(7), task(UNKNOWN, { propertyDependencies: { containerDefinitions: [group(7).urn!] } }))).toEqual([]);
    expect(found(group(7), task(UNKNOWN))).toEqual(['container definitions (unknown at preview) are computed from no log group of the stack']);
  });
});

describe('required-alarms', () => {
  const alarm = (name: string, inputs: Record<string, unknown>, extra: Partial<ResourceRecord> = {}) =>
    record('aws:cloudwatch/metricAlarm:MetricAlarm', name, { alarmActions: ['arn:aws:sns:eu-west-1:123456789012:alarms'], ...inputs }, extra);
  const onThrottles = (dimensions: unknown) =>
    alarm('throttles', { namespace: 'AWS/DynamoDB', metricName: 'ReadThrottleEvents', dimensions }, { name: 'throttles' });
  const judged = (resources: ResourceRecord[]) => messages(requiredAlarms, resources, 'development').filter((m) => !m.startsWith('no alarm on'));

  it('takes an alarm’s dimensions as a set AWS publishes the metric under, in any order, and no other', () => {
    expect(judged([onThrottles({ TableName: 't' })])).toEqual([]);
    expect(judged([onThrottles({ TableName: 't', GlobalSecondaryIndexName: 'i' })])).toEqual([]);
    expect(judged([onThrottles({ GlobalSecondaryIndexName: 'i', TableName: 't' })])).toEqual([]);
    const watchesNothing = (dims: string) => `AWS/DynamoDB ReadThrottleEvents is not published with the dimensions [${dims}]: the alarm watches nothing`;
    expect(judged([onThrottles({ Operation: 'GetItem' })])).toEqual([watchesNothing('Operation')]);
    expect(judged([onThrottles({ TableName: 't', Operation: 'GetItem' })])).toEqual([watchesNothing('TableName, Operation')]);
    expect(judged([onThrottles({})])).toEqual([watchesNothing('')]);
    expect(judged([onThrottles(UNKNOWN)])).toEqual([watchesNothing('(unknown)')]);
  });

  it('reads the metrics of a metric-math alarm as well', () => {
    const math = alarm('math', {
      metricQueries: [
        { id: 'e', expression: 'm1' },
        { id: 'm1', metric: { namespace: 'AWS/DynamoDB', metricName: 'ReadThrottleEvents', dimensions: { Operation: 'x' } } },
      ],
    });
    expect(judged([math])).toHaveLength(1);
  });

  it('wants every alarm to notify: a topic named, or at a preview one of the stack its actions come from', () => {
    const topic = record('aws:sns/topic:Topic', 'alarms', {});
    expect(judged([onThrottles({ TableName: 't' })])).toEqual([]);
    expect(judged([alarm('silent', { alarmActions: [] })])).toEqual(['alarm notifies nobody']);
    expect(judged([alarm('silent', { alarmActions: undefined })])).toEqual(['alarm notifies nobody']);
    expect(judged([topic, alarm('preview', { alarmActions: UNKNOWN }, { propertyDependencies: { alarmActions: [topic.urn!] } })])).toEqual([]);
    expect(judged([topic, alarm('preview', { alarmActions: UNKNOWN })])).toEqual(['alarm notifies nobody']);
  });
});

describe('alarm-topic-deliverable', () => {
  const topic = record('aws:sns/topic:Topic', 'alarms', { kmsMasterKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/1' });
  const key = (statement: Record<string, unknown>) =>
    record('aws:kms/key:Key', 'k', {
      policy: JSON.stringify({
        Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], ...statement }],
      }),
    });
  const refused = 'no KMS key in the stack lets cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*';

  it('wants a key whose policy lets CloudWatch decrypt and generate data keys', () => {
    expect(messages(alarmTopicDeliverable, [topic, key({})])).toEqual([]);
    expect(messages(alarmTopicDeliverable, [topic, key({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'] })])).toEqual([]);
    expect(messages(alarmTopicDeliverable, [topic, key({ Principal: { Service: ['events.amazonaws.com', 'cloudwatch.amazonaws.com'] } })])).toEqual([]);
    expect(messages(alarmTopicDeliverable, [topic, key({ Effect: 'Deny' })])).toEqual([refused]);
    expect(messages(alarmTopicDeliverable, [topic, key({ Action: ['kms:Decrypt'] })])).toEqual([refused]);
    expect(messages(alarmTopicDeliverable, [topic, key({ Action: ['kms:Decrypt', 'kms:Encrypt'] })])).toEqual([refused]);
    expect(messages(alarmTopicDeliverable, [topic, key({ Action: ['kms:GenerateDataKey*'] })])).toEqual([refused]);
    expect(messages(alarmTopicDeliverable, [topic, key({ Principal: { Service: 'sns.amazonaws.com' } })])).toEqual([refused]);
    expect(messages(alarmTopicDeliverable, [topic, record('aws:kms/key:Key', 'k', { policy: UNKNOWN })])).toEqual([refused]);
  });
});

describe('least-privilege-iam', () => {
  const policy = (...statements: Array<Record<string, unknown>>) =>
    record('aws:iam/rolePolicy:RolePolicy', 'p', { policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });
  const found = (p: ResourceRecord) => messages(leastPrivilegeIam, [p]);
  const table = 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders';

  it('passes exact actions on named resources, and judges a document still unknown at the update', () => {
    expect(found(policy({ Sid: 'Read', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: [table, `${table}/index/*`] }))).toEqual([]);
    expect(found(record('aws:iam/rolePolicy:RolePolicy', 'p', { policy: UNKNOWN }))).toEqual([]);
  });

  it('names a "*" among the resources, and a resource that is every resource of a service, only where it allows', () => {
    expect(found(policy({ Sid: 'Both', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: [table, '*'] }))).toEqual([
      'dynamodb:GetItem on Resource "*" in Both',
    ]);
    const everyTable = 'arn:aws:dynamodb:eu-west-1:123456789012:*';
    expect(found(policy({ Sid: 'All', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: everyTable }))).toEqual([
      `resource ${everyTable} is every resource of a service`,
    ]);
    expect(found(policy({ Effect: 'Deny', Action: 'dynamodb:DeleteTable', Resource: everyTable }))).toEqual([]);
    expect(found(policy({ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: `x${everyTable}` }))).toEqual([]);
    expect(found(policy({ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: `${everyTable}/index` }))).toEqual([]);
  });
});

describe('service-role-trust', () => {
  const role = (assumeRolePolicy: unknown) => record('aws:iam/role:Role', 'r', { assumeRolePolicy });
  const trust = (service: string | string[] | undefined, condition: Record<string, unknown> | undefined, effect = 'Allow') =>
    JSON.stringify({
      Statement: [
        {
          Effect: effect,
          Principal: service === undefined ? { AWS: 'arn:aws:iam::123456789012:root' } : { Service: service },
          Action: 'sts:AssumeRole',
          Condition: condition,
        },
      ],
    });
  const account = { StringEquals: { 'aws:SourceAccount': '123456789012' } };
  const found = (policy: unknown) => messages(serviceRoleTrust, [role(policy)]);

  it('wants aws:SourceAccount on every service’s trust, and aws:SourceArn where the service documents it', () => {
    expect(found(trust('lambda.amazonaws.com', account))).toEqual([]);
    expect(found(trust('lambda.amazonaws.com', undefined))).toEqual(['the trust of lambda.amazonaws.com must carry aws:SourceAccount (StringEquals)']);
    expect(found(trust('ecs-tasks.amazonaws.com', account))).toEqual([
      'the trust of ecs-tasks.amazonaws.com must carry aws:SourceArn (ArnLike), as AWS documents for it',
    ]);
    expect(
      found(trust('vpc-flow-logs.amazonaws.com', { ...account, ArnEquals: { 'aws:SourceArn': 'arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*' } })),
    ).toEqual([]);
    expect(found(trust('ecs-tasks.amazonaws.com', { ...account, ArnLike: { 'aws:SourceArn': 'arn:aws:ecs:eu-west-1:123456789012:*' } }))).toEqual([]);
  });

  it('leaves alone a trust of no service, a Deny, and a trust still unknown or absent', () => {
    expect(found(trust(undefined, undefined))).toEqual([]);
    expect(found(trust('lambda.amazonaws.com', undefined, 'Deny'))).toEqual([]);
    expect(found(UNKNOWN)).toEqual([]);
    expect(found(undefined)).toEqual([]);
  });
});

describe('stack-roles-bounded', () => {
  const role = (permissionsBoundary: unknown) => record('aws:iam/role:Role', 'r', { permissionsBoundary });

  it('wants the stack’s own boundary on every role, and judges one still unknown at the update', () => {
    expect(messages(stackRolesBounded, [role('arn:aws:iam::123456789012:policy/orders-ci-stage-boundary')], 'stage')).toEqual([]);
    expect(messages(stackRolesBounded, [role(UNKNOWN)], 'stage')).toEqual([]);
    expect(messages(stackRolesBounded, [role(undefined)], 'stage')).toEqual([
      'must carry the permissions boundary orders-ci-stage-boundary (docs/ci-identities.md), not none',
    ]);
    expect(messages(stackRolesBounded, [role('arn:aws:iam::123456789012:policy/orders-ci-main-boundary')], 'stage')).toHaveLength(1);
  });
});
