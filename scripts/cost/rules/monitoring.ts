import type { Bill } from '../bill';
import { asArray, ofType, type CostResource } from '../resources';

/** Alarms: each metric an alarm reads (a metric-math alarm reads several), and those target tracking creates. */
export function priceAlarms(resources: readonly CostResource[], bill: Bill): void {
  let standard = 0;
  let highResolution = 0;
  for (const alarm of ofType(resources, 'aws:cloudwatch/metricAlarm:MetricAlarm')) {
    const queries = asArray(alarm.inputs.metricQueries as Array<{ metric?: { period?: number } }>).filter((q) => q.metric);
    const periods = queries.length > 0 ? queries.map((q) => Number(q.metric?.period ?? 60)) : [Number(alarm.inputs.period ?? 60)];
    for (const period of periods) {
      if (period < 60) highResolution += 1;
      else standard += 1;
    }
  }
  bill.add('CloudWatch alarm metrics (standard resolution)', standard, ['alarmMetricMonth']);
  bill.add('CloudWatch alarm metrics (high resolution)', highResolution, ['highResolutionAlarmMetricMonth']);
  const tracking = ofType(resources, 'aws:appautoscaling/policy:Policy').filter((p) => p.inputs.policyType === 'TargetTrackingScaling').length;
  const perPolicy = bill.table.counts.targetTrackingAlarmsPerPolicy;
  bill.add(
    'Target-tracking alarms (created by Application Auto Scaling)',
    tracking * perPolicy.count,
    ['alarmMetricMonth'],
    bill.monthly('alarmMetricMonth'),
    perPolicy.confirmed ? undefined : 'alarms per target-tracking policy',
  );
}

export function priceDashboards(resources: readonly CostResource[], bill: Bill): void {
  bill.add('CloudWatch dashboards', ofType(resources, 'aws:cloudwatch/dashboard:Dashboard').length, ['dashboardMonth']);
}
