import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AlarmConfig } from '../config';

export interface ObservabilityArgs {
  stack: string;
  region: string;
  thresholds: AlarmConfig;
  loadBalancerArnSuffix: pulumi.Input<string>;
  targetGroupArnSuffix: pulumi.Input<string>;
  functionName: pulumi.Input<string>;
  deadLetterQueueName: pulumi.Input<string>;
  tableName: pulumi.Input<string>;
  clusterName: pulumi.Input<string>;
  serviceName: pulumi.Input<string>;
}

/** The alarms every stack has (each a symptom a user would feel or a loss in the making), and one dashboard. */
export class Observability extends pulumi.ComponentResource {
  readonly alarmTopic: aws.sns.Topic;
  readonly dashboard: aws.cloudwatch.Dashboard;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:observability:Observability', name, {}, opts);
    const parent = { parent: this };
    const t = args.thresholds;
    this.alarmTopic = new aws.sns.Topic(`${name}-alarms`, { kmsMasterKeyId: 'alias/aws/sns' }, parent);
    const common = { alarmActions: [this.alarmTopic.arn], okActions: [this.alarmTopic.arn], treatMissingData: 'notBreaching' as const };
    const alb = { LoadBalancer: args.loadBalancerArnSuffix };

    new aws.cloudwatch.MetricAlarm(
      `${name}-api-5xx-rate`,
      {
        ...common,
        alarmDescription: `More than ${t.http5xxRatePercent}% of API requests answered 5xx`,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: t.http5xxRatePercent,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        metricQueries: [
          { id: 'errors', metric: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: alb, period: 60, stat: 'Sum' } },
          { id: 'requests', metric: { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: alb, period: 60, stat: 'Sum' } },
          { id: 'rate', expression: '100 * errors / MAX([requests, 1])', label: '5xx %', returnData: true },
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
        dimensions: { LoadBalancer: args.loadBalancerArnSuffix, TargetGroup: args.targetGroupArnSuffix },
        extendedStatistic: 'p99',
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: t.p99LatencyMs / 1000,
      },
      parent,
    );
    const simple = (suffix: string, description: string, namespace: string, metricName: string, dimensions: Record<string, pulumi.Input<string>>, stat: string, threshold: number) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${suffix}`,
        { ...common, alarmDescription: description, namespace, metricName, dimensions, statistic: stat, period: 60, evaluationPeriods: 1, comparisonOperator: 'GreaterThanOrEqualToThreshold', threshold },
        parent,
      );
    simple('processor-errors', 'Order processor invocations failing', 'AWS/Lambda', 'Errors', { FunctionName: args.functionName }, 'Sum', t.lambdaErrors);
    simple('processor-iterator-age', 'Orders are waiting in the stream (processor falling behind)', 'AWS/Lambda', 'IteratorAge', { FunctionName: args.functionName }, 'Maximum', t.iteratorAgeMs);
    simple('dead-letters', 'Stream batches exhausted their retries: orders need a redrive', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: args.deadLetterQueueName }, 'Maximum', t.dlqDepth);
    simple('table-throttles', 'DynamoDB is throttling the order table', 'AWS/DynamoDB', 'ThrottledRequests', { TableName: args.tableName }, 'Sum', t.throttledRequests);

    this.dashboard = new aws.cloudwatch.Dashboard(
      name,
      {
        dashboardName: `orders-${args.stack}`,
        dashboardBody: pulumi.jsonStringify({
          widgets: [
            widget(0, 'API requests and 5xx', [
              ['AWS/ApplicationELB', 'RequestCount', 'LoadBalancer', args.loadBalancerArnSuffix, { stat: 'Sum' }],
              ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'LoadBalancer', args.loadBalancerArnSuffix, { stat: 'Sum' }],
            ], args.region),
            widget(1, 'API latency p50 / p99 (s)', [
              ['AWS/ApplicationELB', 'TargetResponseTime', 'LoadBalancer', args.loadBalancerArnSuffix, 'TargetGroup', args.targetGroupArnSuffix, { stat: 'p50' }],
              ['AWS/ApplicationELB', 'TargetResponseTime', 'LoadBalancer', args.loadBalancerArnSuffix, 'TargetGroup', args.targetGroupArnSuffix, { stat: 'p99' }],
            ], args.region),
            widget(2, 'Orders decided', [
              ['Orders', 'OrdersConfirmed', 'service', 'orders-processor', { stat: 'Sum' }],
              ['Orders', 'OrdersRejected', 'service', 'orders-processor', { stat: 'Sum' }],
              ['Orders', 'StockReleased', 'service', 'orders-processor', { stat: 'Sum' }],
            ], args.region),
            widget(3, 'Accepted → decided latency (ms)', [
              ['Orders', 'ProcessingLatency', 'service', 'orders-processor', { stat: 'p50' }],
              ['Orders', 'ProcessingLatency', 'service', 'orders-processor', { stat: 'p99' }],
            ], args.region),
            widget(4, 'Processor errors and iterator age', [
              ['AWS/Lambda', 'Errors', 'FunctionName', args.functionName, { stat: 'Sum' }],
              ['AWS/Lambda', 'IteratorAge', 'FunctionName', args.functionName, { stat: 'Maximum', yAxis: 'right' }],
            ], args.region),
            widget(5, 'Dead letters, throttles, API tasks', [
              ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', args.deadLetterQueueName, { stat: 'Maximum' }],
              ['AWS/DynamoDB', 'ThrottledRequests', 'TableName', args.tableName, { stat: 'Sum' }],
              ['ECS/ContainerInsights', 'RunningTaskCount', 'ClusterName', args.clusterName, 'ServiceName', args.serviceName, { stat: 'Average', yAxis: 'right' }],
            ], args.region),
          ],
        }),
      },
      parent,
    );
    this.registerOutputs({ dashboard: this.dashboard.dashboardName });
  }
}

function widget(index: number, title: string, metrics: unknown[][], region: string) {
  return { type: 'metric', x: (index % 2) * 12, y: Math.floor(index / 2) * 6, width: 12, height: 6, properties: { title, region, metrics, period: 60, view: 'timeSeries' } };
}
