import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GetMetricDataCommand, GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { orderCost } from '../../loadtest/lib/cost';
import { readConsumption, usageQueries, type UsageTargets } from '../../scripts/pipeline/cloudwatchUsage';

/**
 * The gate's reading of what a run consumed in AWS, on a recorded GetMetricData answer (CloudWatch does not run
 * here; the first real gate run is the first to read real ones).
 */
const targets: UsageTargets = {
  tableName: 'orders-stage-table',
  indexNames: ['GSI1'],
  functionName: 'orders-processor-stage',
  functionMemoryMb: 512,
  clusterName: 'orders-stage',
  serviceName: 'orders-stage-api',
  taskCpu: 512,
  taskMemoryMb: 1024,
  loadBalancerArnSuffix: 'app/orders-stage/abc',
};
const recorded = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/getMetricData.gate.json'), 'utf8')) as { pages: GetMetricDataCommandOutput[] };

it('asks for the table and each index, the function, the service and the load balancer, per minute', () => {
  const queries = usageQueries(targets);
  expect(queries.map((q) => `${q.Id} ${q.MetricStat!.Metric!.MetricName} ${q.MetricStat!.Stat}`)).toEqual([
    'wcu0 ConsumedWriteCapacityUnits Sum',
    'rcu0 ConsumedReadCapacityUnits Sum',
    'wcu1 ConsumedWriteCapacityUnits Sum',
    'rcu1 ConsumedReadCapacityUnits Sum',
    'invocations Invocations Sum',
    'duration Duration Sum',
    'tasks RunningTaskCount Average',
    'lcus ConsumedLCUs Average',
  ]);
  expect(queries[2]!.MetricStat!.Metric!.Dimensions).toEqual([
    { Name: 'TableName', Value: 'orders-stage-table' },
    { Name: 'GlobalSecondaryIndexName', Value: 'GSI1' },
  ]);
  expect(queries.every((q) => q.MetricStat!.Period === 60)).toBe(true);
});

it('adds up a recorded answer over its pages into what the run consumed, and prices it', async () => {
  const sent: GetMetricDataCommand[] = [];
  const cloudwatch = { send: async (command: GetMetricDataCommand) => (sent.push(command), recorded.pages[sent.length - 1]!) };
  const consumption = await readConsumption(cloudwatch as never, targets, {
    startMs: Date.parse('2026-11-25T10:00:00Z'),
    endMs: Date.parse('2026-11-25T10:03:00Z'),
  });
  expect(sent.map((c) => c.input.NextToken)).toEqual([undefined, 'page-2']);
  expect(consumption).toEqual({
    writeRequestUnits: 8400, // 7,200 on the table + 1,200 on the index
    readRequestUnits: 1500,
    lambdaRequests: 600,
    lambdaGbSeconds: 30, // 60,000 ms × 0.5 GB
    fargateVcpuHours: 0.05, // 2 tasks × 3 min × 0.5 vCPU
    fargateGbHours: 0.1,
    albLcuHours: 0.025, // 0.5 LCU × 3 min
  });
  const cost = orderCost(
    consumption,
    {
      usdPerMillionWriteRequestUnits: 0.705,
      usdPerMillionReadRequestUnits: 0.1415,
      lambdaUsdPerGbSecond: 0.0000133334,
      lambdaUsdPerMillionRequests: 0.2,
      fargateUsdPerVcpuHour: 0.03238,
      fargateUsdPerGbHour: 0.00356,
      albUsdPerLcuHour: 0.008,
    },
    3600,
  );
  expect(cost.missing).toEqual([]);
  expect(cost.parts.fargate).toBeCloseTo(0.05 * 0.03238 + 0.1 * 0.00356, 10);
  expect(cost.perMillionOrdersUsd).toBeCloseTo((cost.totalUsd / 3600) * 1e6, 6);
});
