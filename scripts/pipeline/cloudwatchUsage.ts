import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { Consumption } from '../../loadtest/lib/cost';

/**
 * What a gate run consumed in AWS, from CloudWatch over the run's window: DynamoDB consumed capacity of the
 * table and its indexes, Lambda invocations and GB-seconds, the Fargate service's task-hours as vCPU- and
 * GB-hours, and the ALB's LCU-hours. Checked here on recorded GetMetricData responses only; a real gate run is
 * the first to read real ones.
 */
export interface UsageTargets {
  tableName: string;
  indexNames: string[];
  functionName: string;
  functionMemoryMb: number;
  clusterName: string;
  serviceName: string;
  /** The task's CPU units (1024 = 1 vCPU) and memory (MiB). */
  taskCpu: number;
  taskMemoryMb: number;
  loadBalancerArnSuffix: string;
}

export const PERIOD_SECONDS = 60;

const metric = (id: string, namespace: string, metricName: string, dimensions: Record<string, string>, stat: string): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: namespace, MetricName: metricName, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })) },
    Period: PERIOD_SECONDS,
    Stat: stat,
  },
  ReturnData: true,
});

export function usageQueries(t: UsageTargets): MetricDataQuery[] {
  const table = [undefined, ...t.indexNames].flatMap((index, i) => {
    const dims: Record<string, string> = index ? { TableName: t.tableName, GlobalSecondaryIndexName: index } : { TableName: t.tableName };
    return [
      metric(`wcu${i}`, 'AWS/DynamoDB', 'ConsumedWriteCapacityUnits', dims, 'Sum'),
      metric(`rcu${i}`, 'AWS/DynamoDB', 'ConsumedReadCapacityUnits', dims, 'Sum'),
    ];
  });
  return [
    ...table,
    metric('invocations', 'AWS/Lambda', 'Invocations', { FunctionName: t.functionName }, 'Sum'),
    metric('duration', 'AWS/Lambda', 'Duration', { FunctionName: t.functionName }, 'Sum'),
    metric('tasks', 'ECS/ContainerInsights', 'RunningTaskCount', { ClusterName: t.clusterName, ServiceName: t.serviceName }, 'Average'),
    metric('lcus', 'AWS/ApplicationELB', 'ConsumedLCUs', { LoadBalancer: t.loadBalancerArnSuffix }, 'Average'),
  ];
}

/** Adds up the series: sums stay sums; averages per period become amounts × hours. */
export function consumptionFrom(results: readonly MetricDataResult[], t: UsageTargets): Consumption {
  const values = (predicate: (id: string) => boolean) => results.filter((r) => r.Id && predicate(r.Id)).flatMap((r) => r.Values ?? []);
  const sum = (predicate: (id: string) => boolean) => values(predicate).reduce((a, b) => a + b, 0);
  const periodHours = PERIOD_SECONDS / 3600;
  const taskHours = sum((id) => id === 'tasks') * periodHours;
  return {
    writeRequestUnits: sum((id) => id.startsWith('wcu')),
    readRequestUnits: sum((id) => id.startsWith('rcu')),
    lambdaRequests: sum((id) => id === 'invocations'),
    lambdaGbSeconds: (sum((id) => id === 'duration') / 1000) * (t.functionMemoryMb / 1024),
    fargateVcpuHours: taskHours * (t.taskCpu / 1024),
    fargateGbHours: taskHours * (t.taskMemoryMb / 1024),
    albLcuHours: sum((id) => id === 'lcus') * periodHours,
  };
}

/** Reads the window, following NextToken. */
export async function readConsumption(
  cloudwatch: Pick<CloudWatchClient, 'send'>,
  t: UsageTargets,
  window: { startMs: number; endMs: number },
): Promise<Consumption> {
  const results: MetricDataResult[] = [];
  let token: string | undefined;
  do {
    const page = await cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: usageQueries(t),
        StartTime: new Date(window.startMs),
        EndTime: new Date(window.endMs),
        ScanBy: 'TimestampAscending',
        NextToken: token,
      }),
    );
    results.push(...(page.MetricDataResults ?? []));
    token = page.NextToken;
  } while (token);
  return consumptionFrom(results, t);
}
