/** The price table's shape: scripts/cost/prices.json, as the CLI loads it. */
export interface Price {
  usd: number;
  /** Whether `usd` is per hour (× hoursPerMonth) or per month. */
  per: 'hour' | 'month';
  unit: string;
  source: string;
  read: string;
  confirmed: boolean;
  check: string;
}

export type PriceKey =
  | 'loadBalancerHour'
  | 'natGatewayHour'
  | 'publicIpv4Hour'
  | 'fargateArmVcpuHour'
  | 'fargateArmGbHour'
  | 'fargateX86VcpuHour'
  | 'fargateX86GbHour'
  | 'interfaceEndpointAzHour'
  | 'alarmMetricMonth'
  | 'highResolutionAlarmMetricMonth'
  | 'customMetricMonth'
  | 'dashboardMonth'
  | 'kmsKeyMonth'
  | 'wafWebAclMonth'
  | 'wafRuleMonth'
  | 'secretMonth'
  | 'backupStorageGbMonth';

export interface PriceTable {
  region: string;
  currency: string;
  hoursPerMonth: number;
  prices: Record<PriceKey, Price>;
  counts: {
    containerInsightsMetrics: { perCluster: number; perService: number; perTaskDefinitionFamily: number; confirmed: boolean };
    targetTrackingAlarmsPerPolicy: { count: number; confirmed: boolean };
  };
}
