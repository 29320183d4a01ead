import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { stackKey } from './keys';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../core/serviceNames';
import type { AlarmConfig } from '../config';

export interface ObservabilityArgs {
  stack: string;
  region: string;
  accountId: pulumi.Input<string>;
  thresholds: AlarmConfig;
  /** Who hears about alarms: e-mail addresses and HTTPS endpoints (e.g. a chat or paging webhook). */
  notify: { emails: string[]; httpsEndpoints: string[] };
  /** The API's minimum task count: fewer healthy targets than this is an outage in the making. */
  minHealthyTasks: number;
  /** Index names of the table, whose throttles count as the table's. */
  indexNames: readonly string[];
  loadBalancerArnSuffix: pulumi.Input<string>;
  targetGroupArnSuffix: pulumi.Input<string>;
  functionName: pulumi.Input<string>;
  deadLetterQueueName: pulumi.Input<string>;
  tableName: pulumi.Input<string>;
  clusterName: pulumi.Input<string>;
  serviceName: pulumi.Input<string>;
  /** Whether the stack has its dashboard ($3 a month at list price; development does without). */
  dashboard: boolean;
}

/** A dashboard row for one of the processor's EMF metrics (namespace and service as it publishes them). */
const processorMetric = (metricName: string, stat: string) => [METRICS_NAMESPACE, metricName, 'service', SERVICE_NAME.processor, { stat }];

/** The alarms every stack has (each a symptom a user would feel or a loss in the making), and its dashboard. */
export class Observability extends pulumi.ComponentResource {
  readonly alarmKey: aws.kms.Key;
  readonly alarmTopic: aws.sns.Topic;
  readonly dashboard?: aws.cloudwatch.Dashboard;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:observability:Observability', name, {}, opts);
    const parent = { parent: this };
    const t = args.thresholds;
    // A customer-managed key: the AWS-managed alias/aws/sns key's policy cannot let CloudWatch publish, so
    // alarms on a topic encrypted with it are dropped silently.
    this.alarmKey = stackKey(
      `${name}-alarms`,
      {
        description: `orders ${args.stack}: encrypts the alarm topic; CloudWatch may use it to publish`,
        accountId: args.accountId,
        grants: [
          {
            Sid: 'CloudWatchPublishesAlarms',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': args.accountId } },
          },
        ],
      },
      parent,
    );
    this.alarmTopic = new aws.sns.Topic(`${name}-alarms`, { kmsMasterKeyId: this.alarmKey.arn }, parent);
    args.notify.emails.forEach(
      (email, i) => new aws.sns.TopicSubscription(`${name}-alarms-email-${i}`, { topic: this.alarmTopic.arn, protocol: 'email', endpoint: email }, parent),
    );
    args.notify.httpsEndpoints.forEach(
      (url, i) =>
        new aws.sns.TopicSubscription(
          `${name}-alarms-https-${i}`,
          { topic: this.alarmTopic.arn, protocol: 'https', endpoint: url, endpointAutoConfirms: false },
          parent,
        ),
    );
    const common = { alarmActions: [this.alarmTopic.arn], okActions: [this.alarmTopic.arn], treatMissingData: 'notBreaching' as const };
    const alb = { LoadBalancer: args.loadBalancerArnSuffix };
    const targets = { LoadBalancer: args.loadBalancerArnSuffix, TargetGroup: args.targetGroupArnSuffix };

    new aws.cloudwatch.MetricAlarm(
      `${name}-api-5xx-rate`,
      {
        ...common,
        alarmDescription: `More than ${t.http5xxRatePercent}% of API requests answered 5xx, by the tasks or by the load balancer itself`,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: t.http5xxRatePercent,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        // With no healthy target the ALB answers 502/503 itself: those land in HTTPCode_ELB_5XX_Count, not in the
        // targets' count, and RequestCount may not see them. Missing series count as 0.
        metricQueries: [
          { id: 'target5xx', metric: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: alb, period: 60, stat: 'Sum' } },
          { id: 'elb5xx', metric: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_ELB_5XX_Count', dimensions: alb, period: 60, stat: 'Sum' } },
          { id: 'requests', metric: { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: alb, period: 60, stat: 'Sum' } },
          {
            id: 'rate',
            expression: 'IF(FILL(requests, 0) + FILL(elb5xx, 0) > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)',
            label: '5xx %',
            returnData: true,
          },
        ],
      },
      parent,
    );
    new aws.cloudwatch.MetricAlarm(
      `${name}-api-p99-latency`,
      {
        ...common,
        alarmDescription: `API p99 latency above ${t.p99LatencyMs} ms`,
        namespace: 'AWS/ApplicationELB',
        metricName: 'TargetResponseTime',
        dimensions: targets,
        extendedStatistic: 'p99',
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: t.p99LatencyMs / 1000,
      },
      parent,
    );
    const simple = (
      suffix: string,
      description: string,
      namespace: string,
      metricName: string,
      dimensions: Record<string, pulumi.Input<string>>,
      stat: string,
      threshold: number,
    ) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${suffix}`,
        {
          ...common,
          alarmDescription: description,
          namespace,
          metricName,
          dimensions,
          statistic: stat,
          period: 60,
          evaluationPeriods: 1,
          comparisonOperator: 'GreaterThanOrEqualToThreshold',
          threshold,
        },
        parent,
      );
    simple('processor-errors', 'Order processor invocations failing', 'AWS/Lambda', 'Errors', { FunctionName: args.functionName }, 'Sum', t.lambdaErrors);
    simple(
      'processor-iterator-age',
      'Orders are waiting in the stream (processor falling behind)',
      'AWS/Lambda',
      'IteratorAge',
      { FunctionName: args.functionName },
      'Maximum',
      t.iteratorAgeMs,
    );
    simple(
      'dead-letters',
      'Stream batches exhausted their retries: orders need a redrive',
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      { QueueName: args.deadLetterQueueName },
      'Maximum',
      t.dlqDepth,
    );
    new aws.cloudwatch.MetricAlarm(
      `${name}-healthy-tasks`,
      {
        ...common,
        alarmDescription: `Fewer than ${args.minHealthyTasks} healthy API tasks behind the load balancer`,
        namespace: 'AWS/ApplicationELB',
        metricName: 'HealthyHostCount',
        dimensions: targets,
        statistic: 'Minimum',
        period: 60,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        comparisonOperator: 'LessThanThreshold',
        threshold: args.minHealthyTasks,
        // No data means no target reported healthy at all.
        treatMissingData: 'breaching',
      },
      parent,
    );
    // DynamoDB publishes ThrottledRequests per TableName *and* Operation, so a TableName-only alarm on it watches
    // nothing; Read/WriteThrottleEvents exist per table and per index.
    const throttleSeries = [undefined, ...args.indexNames].flatMap((index) =>
      (['ReadThrottleEvents', 'WriteThrottleEvents'] as const).map((metricName) => ({
        metricName,
        dimensions: (index ? { TableName: args.tableName, GlobalSecondaryIndexName: index } : { TableName: args.tableName }) as Record<
          string,
          pulumi.Input<string>
        >,
      })),
    );
    new aws.cloudwatch.MetricAlarm(
      `${name}-table-throttles`,
      {
        ...common,
        alarmDescription: 'DynamoDB is throttling reads or writes of the order table or its indexes',
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: t.throttledRequests,
        evaluationPeriods: 1,
        metricQueries: [
          ...throttleSeries.map((series, i) => ({ id: `t${i}`, metric: { namespace: 'AWS/DynamoDB', ...series, period: 60, stat: 'Sum' } })),
          { id: 'throttles', expression: `SUM([${throttleSeries.map((_, i) => `FILL(t${i}, 0)`).join(', ')}])`, label: 'throttle events', returnData: true },
        ],
      },
      parent,
    );

    if (args.dashboard)
      this.dashboard = new aws.cloudwatch.Dashboard(
        name,
        {
          dashboardName: `orders-${args.stack}`,
          dashboardBody: pulumi.jsonStringify({
            widgets: [
              widget(
                0,
                'API requests and 5xx',
                [
                  ['AWS/ApplicationELB', 'RequestCount', 'LoadBalancer', args.loadBalancerArnSuffix, { stat: 'Sum' }],
                  ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'LoadBalancer', args.loadBalancerArnSuffix, { stat: 'Sum' }],
                  ['AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', 'LoadBalancer', args.loadBalancerArnSuffix, { stat: 'Sum' }],
                ],
                args.region,
              ),
              widget(
                1,
                'API latency p50 / p99 (s)',
                ['p50', 'p99'].map((stat) => [
                  'AWS/ApplicationELB',
                  'TargetResponseTime',
                  'LoadBalancer',
                  args.loadBalancerArnSuffix,
                  'TargetGroup',
                  args.targetGroupArnSuffix,
                  { stat },
                ]),
                args.region,
              ),
              widget(
                2,
                'Orders decided',
                [processorMetric('OrdersConfirmed', 'Sum'), processorMetric('OrdersRejected', 'Sum'), processorMetric('StockReleased', 'Sum')],
                args.region,
              ),
              widget(
                3,
                'Accepted → decided latency p50 / p95 / p99 (ms)',
                [processorMetric('ProcessingLatency', 'p50'), processorMetric('ProcessingLatency', 'p95'), processorMetric('ProcessingLatency', 'p99')],
                args.region,
              ),
              widget(
                4,
                'Processor errors and iterator age',
                [
                  ['AWS/Lambda', 'Errors', 'FunctionName', args.functionName, { stat: 'Sum' }],
                  ['AWS/Lambda', 'IteratorAge', 'FunctionName', args.functionName, { stat: 'Maximum', yAxis: 'right' }],
                ],
                args.region,
              ),
              widget(
                5,
                'Dead letters, throttles, API tasks',
                [
                  ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', args.deadLetterQueueName, { stat: 'Maximum' }],
                  ['AWS/DynamoDB', 'ReadThrottleEvents', 'TableName', args.tableName, { stat: 'Sum' }],
                  ['AWS/DynamoDB', 'WriteThrottleEvents', 'TableName', args.tableName, { stat: 'Sum' }],
                  [
                    'ECS/ContainerInsights',
                    'RunningTaskCount',
                    'ClusterName',
                    args.clusterName,
                    'ServiceName',
                    args.serviceName,
                    { stat: 'Average', yAxis: 'right' },
                  ],
                ],
                args.region,
              ),
            ],
          }),
        },
        parent,
      );
    this.registerOutputs({ dashboard: this.dashboard?.dashboardName });
  }
}

function widget(index: number, title: string, metrics: unknown[][], region: string) {
  return {
    type: 'metric',
    x: (index % 2) * 12,
    y: Math.floor(index / 2) * 6,
    width: 12,
    height: 6,
    properties: { title, region, metrics, period: 60, view: 'timeSeries' },
  };
}
