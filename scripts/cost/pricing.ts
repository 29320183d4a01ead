/**
 * The fixed monthly cost of a stack's resources, from its graph (the Pulumi program under mocks) and the price table
 * in prices.json: one line per priced item, `count × unit price a month`. Pure: resources in, line items out.
 * Traffic-driven charges are listed as usage, never guessed. Every resource type the program uses is classified
 * below (priced, usage-priced or free); a type that is none of these is reported, so a new resource cannot go
 * unpriced silently.
 */

/** A resource as the graph records it (scripts/graph/mockedStack.ts); urn and dependencies link resources. */
export interface CostResource {
  type: string;
  name: string;
  id?: string;
  urn?: string;
  /** false for a component (a container of other resources, costing nothing itself). */
  custom?: boolean;
  inputs: Record<string, unknown>;
  /** For each input, the URNs of the resources its value came from. */
  propertyDependencies?: Record<string, string[]>;
}

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

export interface LineItem {
  item: string;
  count: number;
  /** The price of one, a month. */
  unitMonthly: number;
  monthly: number;
  /** The table entries the unit price comes from. */
  prices: PriceKey[];
  /** Set when the count rests on a figure prices.json marks as not confirmed. */
  unconfirmedCount?: string;
}

export interface CostReport {
  lines: LineItem[];
  /** Charges that scale with traffic or data, not in the total. */
  usage: string[];
  /** Resource types this module does not know: neither priced nor known to be free or usage-priced. */
  unclassified: string[];
  total: number;
}

/** Resources that cost nothing a month, and nothing per use either (or only through the resources they configure). */
const FREE = new Set([
  'aws:iam/role:Role',
  'aws:iam/rolePolicy:RolePolicy',
  'aws:iam/policy:Policy',
  'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
  'aws:ec2/securityGroup:SecurityGroup',
  'aws:ec2/securityGroupRule:SecurityGroupRule',
  'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
  'aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule',
  'aws:lb/targetGroup:TargetGroup',
  'aws:lb/listener:Listener',
  'aws:lb/listenerRule:ListenerRule',
  // Priced through the service that runs it, and the service's scaling target.
  'aws:ecs/taskDefinition:TaskDefinition',
  'aws:appautoscaling/target:Target',
  'aws:cognito/userGroup:UserGroup',
  'aws:cognito/userPoolClient:UserPoolClient',
  // Public ACM certificates are free; alias queries to AWS resources are free (the zone is not the stack's).
  'aws:acm/certificate:Certificate',
  'aws:acm/certificateValidation:CertificateValidation',
  'aws:route53/record:Record',
  'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
  'aws:s3/bucketOwnershipControls:BucketOwnershipControls',
  'aws:s3/bucketPolicy:BucketPolicy',
  'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
  'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  // Versioning itself is free; the noncurrent versions it keeps are S3 storage (the bucket's usage line).
  'aws:s3/bucketVersioning:BucketVersioning',
  // AWS Backup charges for what a vault stores and what is restored, not for plans, selections, vaults or locks.
  'aws:backup/plan:Plan',
  'aws:backup/selection:Selection',
  'aws:backup/vaultLockConfiguration:VaultLockConfiguration',
  'aws:cloudwatch/logResourcePolicy:LogResourcePolicy',
  'aws:wafv2/webAclAssociation:WebAclAssociation',
  'aws:ecr/lifecyclePolicy:LifecyclePolicy',
  // Lambda reads of a DynamoDB stream are not charged.
  'aws:lambda/eventSourceMapping:EventSourceMapping',
  'docker-build:index:Image',
  'awsx:ecr:Image',
]);

/** Resources charged only by what passes through them or what they store. */
const USAGE: Record<string, string> = {
  'aws:dynamodb/table:Table': 'DynamoDB on-demand requests and storage (and PITR storage where on)',
  'aws:lambda/function:Function': 'Lambda requests and duration',
  'aws:sqs/queue:Queue': 'SQS requests',
  'aws:sns/topic:Topic': 'SNS publishes and notifications',
  'aws:sns/topicSubscription:TopicSubscription': 'SNS publishes and notifications',
  'aws:cloudwatch/logGroup:LogGroup': 'CloudWatch Logs ingestion ($0.57/GB) and storage',
  'aws:ec2/flowLog:FlowLog': 'VPC flow logs (vended log ingestion, then log storage)',
  'aws:s3/bucket:Bucket': 'S3 storage and requests (the ALB access logs, and their noncurrent versions until they expire: their delivery is free)',
  'aws:xray/traceSegmentDestination:TraceSegmentDestination': 'X-Ray spans to Transaction Search (span ingestion)',
  'aws:ecr/repository:Repository': 'ECR storage ($0.10/GB-month)',
};

const ofType = (resources: readonly CostResource[], type: string) => resources.filter((r) => r.type === type);
const asArray = <T>(value: T | T[] | undefined | null): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

/** The resource an input of `from` came from: by the graph's dependencies, else the only candidate. */
function linked(from: CostResource, input: string, candidates: readonly CostResource[]): CostResource | undefined {
  const urns = from.propertyDependencies?.[input] ?? [];
  const byUrn = candidates.find((c) => c.urn !== undefined && urns.includes(c.urn));
  if (byUrn) return byUrn;
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** What an awsx.ec2.Vpc (one opaque component under mocks) deploys, from its inputs and awsx's defaults. */
export function vpcShape(inputs: Record<string, unknown>): { azs: number; natGateways: number; interfaceEndpointAzs: number } {
  const names = inputs.availabilityZoneNames as string[] | undefined;
  // awsx: numberOfAvailabilityZones defaults to 3, natGateways.strategy to OnePerAz (pulumi-awsx awsx/ec2/vpc.ts).
  const azs = names?.length ?? (inputs.numberOfAvailabilityZones as number | undefined) ?? 3;
  const strategy = ((inputs.natGateways as { strategy?: string } | undefined)?.strategy ?? 'OnePerAz').toLowerCase();
  const specs = inputs.subnetSpecs as Array<{ type: string }> | undefined;
  // Default specs are one private and one public subnet per AZ; a NAT gateway needs a public subnet to live in.
  const hasPublic = specs === undefined || specs.some((s) => s.type.toLowerCase() === 'public');
  const natGateways = !hasPublic ? 0 : strategy === 'single' ? 1 : strategy === 'oneperaz' ? azs : 0;
  const interfaceEndpointAzs = asArray(inputs.vpcEndpointSpecs as Array<{ vpcEndpointType?: string; subnetIds?: unknown[] }>)
    .filter((spec) => (spec.vpcEndpointType ?? 'Gateway') === 'Interface')
    .reduce((sum, spec) => sum + (spec.subnetIds?.length ?? azs), 0);
  return { azs, natGateways, interfaceEndpointAzs };
}

/** Prices a stack's resources: the fixed monthly line items, the usage-priced charges, and anything unknown. */
export function priceResources(resources: readonly CostResource[], table: PriceTable): CostReport {
  const monthly = (key: PriceKey) => table.prices[key].usd * (table.prices[key].per === 'hour' ? table.hoursPerMonth : 1);
  const lines: LineItem[] = [];
  const usage = new Set<string>();
  const add = (item: string, count: number, keys: PriceKey[], unitMonthly = keys.reduce((sum, key) => sum + monthly(key), 0), unconfirmedCount?: string) => {
    if (count > 0) lines.push({ item, count, unitMonthly, monthly: count * unitMonthly, prices: keys, ...(unconfirmedCount ? { unconfirmedCount } : {}) });
  };

  // Network: NAT gateways (each with its Elastic IP) and interface endpoints, from the VPC component's inputs.
  let azs = 0;
  for (const vpc of ofType(resources, 'awsx:ec2:Vpc')) {
    const shape = vpcShape(vpc.inputs);
    azs = Math.max(azs, shape.azs);
    add('NAT gateways', shape.natGateways, ['natGatewayHour']);
    add('Public IPv4: NAT gateways’ Elastic IPs', shape.natGateways, ['publicIpv4Hour']);
    add('Interface VPC endpoints (endpoint × AZ)', shape.interfaceEndpointAzs, ['interfaceEndpointAzHour']);
    if (shape.natGateways > 0) usage.add('NAT data processing ($0.048/GB)');
    if (shape.interfaceEndpointAzs > 0) usage.add('Interface endpoint data processing ($0.01/GB)');
  }
  const natGateways = ofType(resources, 'aws:ec2/natGateway:NatGateway').length;
  add('NAT gateways', natGateways, ['natGatewayHour']);
  add('Public IPv4: Elastic IPs', ofType(resources, 'aws:ec2/eip:Eip').length, ['publicIpv4Hour']);
  add(
    'Interface VPC endpoints (endpoint × AZ)',
    ofType(resources, 'aws:ec2/vpcEndpoint:VpcEndpoint')
      .filter((e) => e.inputs.vpcEndpointType === 'Interface')
      .reduce((sum, e) => sum + Math.max(1, asArray(e.inputs.subnetIds as unknown[]).length), 0),
    ['interfaceEndpointAzHour'],
  );

  // Load balancers: the hourly charge, and a public IPv4 address per AZ (one per subnet) when internet-facing.
  const unclassified = new Set<string>();
  for (const lb of ofType(resources, 'aws:lb/loadBalancer:LoadBalancer')) {
    if ((lb.inputs.loadBalancerType ?? 'application') !== 'application') {
      unclassified.add(`${lb.type} (${String(lb.inputs.loadBalancerType)})`);
      continue;
    }
    add('Application Load Balancer', 1, ['loadBalancerHour']);
    usage.add('Load balancer capacity units ($0.008/LCU-hour)');
    const subnets = asArray(lb.inputs.subnets as unknown[]).length || asArray(lb.inputs.subnetMappings as unknown[]).length || azs;
    if (lb.inputs.internal !== true && lb.inputs.ipAddressType !== 'dualstack-without-public-ipv4') {
      add('Public IPv4: load balancer (one per AZ)', subnets, ['publicIpv4Hour']);
    }
  }

  // Fargate tasks at their size, as many as the scaling target's minimum (the desired count before autoscaling).
  const services = ofType(resources, 'aws:ecs/service:Service');
  const taskDefinitions = ofType(resources, 'aws:ecs/taskDefinition:TaskDefinition');
  const ecsTargets = ofType(resources, 'aws:appautoscaling/target:Target').filter((t) => t.inputs.serviceNamespace === 'ecs');
  for (const service of services) {
    if (service.inputs.launchType !== 'FARGATE') {
      unclassified.add(`${service.type} (launch type ${String(service.inputs.launchType)})`);
      continue;
    }
    const task = linked(service, 'taskDefinition', taskDefinitions);
    const target =
      ecsTargets.find((t) => service.urn !== undefined && (t.propertyDependencies?.resourceId ?? []).includes(service.urn)) ??
      (services.length === 1 && ecsTargets.length === 1 ? ecsTargets[0] : undefined);
    const count = Number(target?.inputs.minCapacity ?? service.inputs.desiredCount ?? 1);
    if (!task) {
      unclassified.add(`${service.type} (no task definition found)`);
      continue;
    }
    const vcpu = Number(task.inputs.cpu) / 1024;
    const gb = Number(task.inputs.memory) / 1024;
    const arm = (task.inputs.runtimePlatform as { cpuArchitecture?: string } | undefined)?.cpuArchitecture === 'ARM64';
    const [cpuKey, memKey]: [PriceKey, PriceKey] = arm ? ['fargateArmVcpuHour', 'fargateArmGbHour'] : ['fargateX86VcpuHour', 'fargateX86GbHour'];
    add(
      `Fargate tasks (${vcpu} vCPU / ${gb} GB, ${arm ? 'ARM64' : 'x86'}), minimum count`,
      count,
      [cpuKey, memKey],
      vcpu * monthly(cpuKey) + gb * monthly(memKey),
    );
    if ((service.inputs.networkConfiguration as { assignPublicIp?: boolean } | undefined)?.assignPublicIp === true) {
      add('Public IPv4: API tasks (one per task)', count, ['publicIpv4Hour']);
    }
  }

  // Container Insights: custom metrics per cluster, per service and per task definition family in it.
  const ci = table.counts.containerInsightsMetrics;
  for (const cluster of ofType(resources, 'aws:ecs/cluster:Cluster')) {
    const mode = asArray(cluster.inputs.settings as Array<{ name: string; value: string }>).find((s) => s.name === 'containerInsights')?.value;
    if (mode === 'enhanced') usage.add('Container Insights with enhanced observability (per observation)');
    if (mode !== 'enabled') continue;
    const inCluster = services.filter((s) => linked(s, 'cluster', ofType(resources, 'aws:ecs/cluster:Cluster')) === cluster);
    const families = new Set(inCluster.map((s) => String(linked(s, 'taskDefinition', taskDefinitions)?.inputs.family ?? s.name)));
    const metrics = ci.perCluster + inCluster.length * ci.perService + families.size * ci.perTaskDefinitionFamily;
    add(
      'Container Insights metrics (custom metrics)',
      metrics,
      ['customMetricMonth'],
      monthly('customMetricMonth'),
      ci.confirmed ? undefined : 'metrics per Container Insights cluster',
    );
    usage.add('Container Insights performance log events (log ingestion)');
  }

  // Alarms: each metric an alarm reads (a metric-math alarm reads several), and those target tracking creates.
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
  add('CloudWatch alarm metrics (standard resolution)', standard, ['alarmMetricMonth']);
  add('CloudWatch alarm metrics (high resolution)', highResolution, ['highResolutionAlarmMetricMonth']);
  const tracking = ofType(resources, 'aws:appautoscaling/policy:Policy').filter((p) => p.inputs.policyType === 'TargetTrackingScaling').length;
  const perPolicy = table.counts.targetTrackingAlarmsPerPolicy;
  add(
    'Target-tracking alarms (created by Application Auto Scaling)',
    tracking * perPolicy.count,
    ['alarmMetricMonth'],
    monthly('alarmMetricMonth'),
    perPolicy.confirmed ? undefined : 'alarms per target-tracking policy',
  );

  add('CloudWatch dashboards', ofType(resources, 'aws:cloudwatch/dashboard:Dashboard').length, ['dashboardMonth']);
  add('KMS customer-managed keys', ofType(resources, 'aws:kms/key:Key').length, ['kmsKeyMonth']);
  add('Secrets Manager secrets', ofType(resources, 'aws:secretsmanager/secret:Secret').length, ['secretMonth']);
  const acls = ofType(resources, 'aws:wafv2/webAcl:WebAcl');
  add('WAF web ACLs', acls.length, ['wafWebAclMonth']);
  add(
    'WAF rules',
    acls.reduce((sum, acl) => sum + asArray(acl.inputs.rules as unknown[]).length, 0),
    ['wafRuleMonth'],
  );
  if (acls.length > 0) usage.add('WAF requests ($0.60/million)');

  // Cognito has no monthly fee: Essentials and Plus (threat protection) are priced per monthly active user.
  for (const pool of ofType(resources, 'aws:cognito/userPool:UserPool')) {
    usage.add(pool.inputs.userPoolTier === 'PLUS' ? 'Cognito Plus tier, threat protection (per monthly active user)' : 'Cognito monthly active users');
  }

  const PRICED = new Set([
    'awsx:ec2:Vpc',
    'aws:ec2/natGateway:NatGateway',
    'aws:ec2/eip:Eip',
    'aws:ec2/vpcEndpoint:VpcEndpoint',
    'aws:lb/loadBalancer:LoadBalancer',
    'aws:ecs/service:Service',
    'aws:ecs/cluster:Cluster',
    'aws:cloudwatch/metricAlarm:MetricAlarm',
    'aws:appautoscaling/policy:Policy',
    'aws:cloudwatch/dashboard:Dashboard',
    'aws:kms/key:Key',
    'aws:secretsmanager/secret:Secret',
    'aws:wafv2/webAcl:WebAcl',
    'aws:cognito/userPool:UserPool',
    'aws:backup/vault:Vault',
  ]);
  // AWS Backup: every backup of a DynamoDB table is a full copy, so a vault holds about table size × retained days.
  const backup = table.prices.backupStorageGbMonth;
  if (ofType(resources, 'aws:backup/vault:Vault').length > 0) {
    const rate = `$${backup.usd.toFixed(2)}/GB-month${backup.confirmed ? '' : `, not confirmed for ${table.region}`}`;
    usage.add(`AWS Backup storage of the table’s daily full backups (${rate}: table GB × days kept), restores, and copies to another Region or account`);
  }

  for (const r of resources) {
    if (USAGE[r.type]) usage.add(USAGE[r.type]!);
    else if (!PRICED.has(r.type) && !FREE.has(r.type) && r.custom !== false) unclassified.add(r.type);
  }

  return { lines, usage: [...usage].sort(), unclassified: [...unclassified].sort(), total: lines.reduce((sum, l) => sum + l.monthly, 0) };
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The report as the CLI prints it. */
export function formatReport(stack: string, report: CostReport, table: PriceTable, notes: string[] = []): string {
  const width = Math.max(...report.lines.map((l) => l.item.length));
  const unconfirmed = [
    ...[...new Set(report.lines.flatMap((l) => l.prices))].filter((key) => !table.prices[key].confirmed),
    ...report.lines.flatMap((l) => (l.unconfirmedCount ? [l.unconfirmedCount] : [])),
  ];
  return [
    `Fixed monthly cost of ${stack} (${table.region}, ${table.hoursPerMonth} h a month, list prices from scripts/cost/prices.json)`,
    ...notes.map((n) => `  note: ${n}`),
    ...report.lines.map((l) => `  ${l.item.padEnd(width)}  ${String(l.count).padStart(3)} × ${usd(l.unitMonthly).padStart(7)} = ${usd(l.monthly).padStart(8)}`),
    `  ${'Total a month, before traffic'.padEnd(width)}  ${' '.repeat(15)}${usd(report.total).padStart(8)}`,
    `Usage-priced, not in the total: ${report.usage.join('; ')}.`,
    ...(unconfirmed.length > 0 ? [`Not confirmed for ${table.region} (see prices.json): ${unconfirmed.join(', ')}.`] : []),
    ...(report.unclassified.length > 0 ? [`NOT PRICED (unknown resource types): ${report.unclassified.join(', ')}.`] : []),
  ].join('\n');
}
