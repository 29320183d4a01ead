import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../core/serviceNames';
import type { ObservabilityArgs } from './observabilityArgs';

/** A dashboard row for one of the processor's EMF metrics (namespace and service as it publishes them). */
const processorMetric = (metricName: string, stat: string) => [METRICS_NAMESPACE, metricName, 'service', SERVICE_NAME.processor, { stat }];

/** The stack's dashboard: the API, the processor's decisions and latency, the stream, the tasks. */
export function dashboard(name: string, args: ObservabilityArgs, parent: pulumi.CustomResourceOptions): aws.cloudwatch.Dashboard {
  return new aws.cloudwatch.Dashboard(
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
