import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { ObservabilityArgs } from './observabilityArgs';

/** The alarms every stack has, each a symptom a user would feel or a loss in the making, on the alarm topic. */
export function alarms(name: string, args: ObservabilityArgs, topicArn: pulumi.Input<string>, parent: pulumi.CustomResourceOptions): void {
  const t = args.thresholds;
  const common = { alarmActions: [topicArn], okActions: [topicArn], treatMissingData: 'notBreaching' as const };
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
}
