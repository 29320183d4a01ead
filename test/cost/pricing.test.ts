import { PRICE_TABLE, standIns } from '../../scripts/cost/cli';
import { formatReport } from '../../scripts/cost/format';
import type { PriceKey } from '../../scripts/cost/priceTable';
import { priceResources } from '../../scripts/cost/pricing';
import type { CostResource } from '../../scripts/cost/resources';
import { vpcShape } from '../../scripts/cost/rules/network';

/**
 * The pricing function on hand-built resource lists: each priced item, the NAT/AZ derivation from an awsx VPC's
 * inputs, usage-priced and free resources, and what it refuses to guess. Figures come from the committed price
 * table (scripts/cost/prices.json), so these assert the arithmetic and the classification, not live prices.
 */
const HOURS = PRICE_TABLE.hoursPerMonth;
const price = (key: PriceKey) => PRICE_TABLE.prices[key].usd * (PRICE_TABLE.prices[key].per === 'hour' ? HOURS : 1);
const r = (type: string, inputs: Record<string, unknown> = {}, extra: Partial<CostResource> = {}): CostResource => ({
  type,
  name: type.split(':').at(-1)!,
  inputs,
  ...extra,
});
const lines = (resources: CostResource[]) => priceResources(resources, PRICE_TABLE).lines.map((l) => [l.item, l.count, Number(l.unitMonthly.toFixed(4))]);

describe('the price table', () => {
  it('gives every price its source, the date it was read and how (or whether) it was confirmed for eu-west-1', () => {
    expect([PRICE_TABLE.region, PRICE_TABLE.currency, PRICE_TABLE.hoursPerMonth]).toEqual(['eu-west-1', 'USD', 730]);
    for (const [key, p] of Object.entries(PRICE_TABLE.prices)) {
      expect([key, p.source]).toEqual([key, expect.stringMatching(/^https:\/\/(aws\.amazon\.com|docs\.aws\.amazon\.com)\//)]);
      expect([key, p.read]).toEqual([key, expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/)]);
      expect([key, typeof p.confirmed, p.check.length > 20, p.usd > 0, ['hour', 'month'].includes(p.per)]).toEqual([key, 'boolean', true, true, true]);
    }
    // What could not be read for eu-west-1 says so.
    expect(PRICE_TABLE.prices.interfaceEndpointAzHour).toMatchObject({ confirmed: false, check: expect.stringMatching(/^Not confirmed/) });
  });
});

describe('NAT gateways and AZs from an awsx VPC', () => {
  it('follows awsx: three AZs and a NAT gateway per AZ unless told otherwise', () => {
    expect(vpcShape({})).toEqual({ azs: 3, natGateways: 3, interfaceEndpointAzs: 0 });
    expect(vpcShape({ numberOfAvailabilityZones: 2, natGateways: { strategy: 'OnePerAz' } })).toMatchObject({ azs: 2, natGateways: 2 });
    expect(vpcShape({ numberOfAvailabilityZones: 2, natGateways: { strategy: 'Single' } })).toMatchObject({ natGateways: 1 });
    expect(vpcShape({ numberOfAvailabilityZones: 2, natGateways: { strategy: 'None' } })).toMatchObject({ natGateways: 0 });
    expect(vpcShape({ availabilityZoneNames: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] })).toMatchObject({ azs: 3, natGateways: 3 });
    // A NAT gateway lives in a public subnet: none without one.
    expect(vpcShape({ subnetSpecs: [{ type: 'Isolated' }], natGateways: { strategy: 'OnePerAz' } })).toMatchObject({ natGateways: 0 });
  });

  it('counts interface endpoints per AZ (gateway endpoints are free)', () => {
    const specs = [
      { serviceName: 'com.amazonaws.eu-west-1.dynamodb', vpcEndpointType: 'Gateway' },
      { serviceName: 'com.amazonaws.eu-west-1.ecr.api', vpcEndpointType: 'Interface' },
      { serviceName: 'com.amazonaws.eu-west-1.logs', vpcEndpointType: 'Interface', subnetIds: ['subnet-a'] },
    ];
    expect(vpcShape({ numberOfAvailabilityZones: 2, vpcEndpointSpecs: specs }).interfaceEndpointAzs).toBe(3);
  });

  it('prices each NAT gateway with its Elastic IP', () => {
    expect(lines([r('awsx:ec2:Vpc', { numberOfAvailabilityZones: 2, natGateways: { strategy: 'OnePerAz' } }, { custom: false })])).toEqual([
      ['NAT gateways', 2, 35.04],
      ['Public IPv4: NAT gateways’ Elastic IPs', 2, 3.65],
    ]);
    expect(lines([r('awsx:ec2:Vpc', { numberOfAvailabilityZones: 2, natGateways: { strategy: 'None' } }, { custom: false })])).toEqual([]);
  });
});

describe('each priced item', () => {
  it('an internet-facing ALB: its hour, and a public IPv4 address per AZ; an internal one has none', () => {
    expect(lines([r('aws:lb/loadBalancer:LoadBalancer', { loadBalancerType: 'application', internal: false, subnets: ['a', 'b'] })])).toEqual([
      ['Application Load Balancer', 1, Number(price('loadBalancerHour').toFixed(4))],
      ['Public IPv4: load balancer (one per AZ)', 2, 3.65],
    ]);
    expect(lines([r('aws:lb/loadBalancer:LoadBalancer', { internal: true, subnets: ['a', 'b', 'c'] })])).toEqual([['Application Load Balancer', 1, 18.396]]);
    // Prices it does not hold are not guessed.
    expect(priceResources([r('aws:lb/loadBalancer:LoadBalancer', { loadBalancerType: 'network' })], PRICE_TABLE).unclassified).toEqual([
      'aws:lb/loadBalancer:LoadBalancer (network)',
    ]);
  });

  it('Fargate tasks at their size and architecture, as many as the scaling minimum, with a public IP each if assigned', () => {
    const service = r('aws:ecs/service:Service', { launchType: 'FARGATE', desiredCount: 2, networkConfiguration: { assignPublicIp: true } }, { urn: 'svc' });
    const arm = r('aws:ecs/taskDefinition:TaskDefinition', { cpu: '256', memory: '512', runtimePlatform: { cpuArchitecture: 'ARM64' } });
    const target = r('aws:appautoscaling/target:Target', { serviceNamespace: 'ecs', minCapacity: 1 }, { propertyDependencies: { resourceId: ['svc'] } });
    const armTask = 0.25 * price('fargateArmVcpuHour') + 0.5 * price('fargateArmGbHour');
    expect(lines([service, arm, target])).toEqual([
      ['Fargate tasks (0.25 vCPU / 0.5 GB, ARM64), minimum count', 1, Number(armTask.toFixed(4))],
      ['Public IPv4: API tasks (one per task)', 1, 3.65],
    ]);
    expect(armTask).toBeCloseTo(7.21, 2);
    // Without a scaling target, the desired count; x86 at x86 prices; no public IP, no address.
    const x86 = r('aws:ecs/taskDefinition:TaskDefinition', { cpu: '1024', memory: '2048' });
    const privateService = r('aws:ecs/service:Service', { launchType: 'FARGATE', desiredCount: 3, networkConfiguration: { assignPublicIp: false } });
    expect(lines([privateService, x86])).toEqual([
      ['Fargate tasks (1 vCPU / 2 GB, x86), minimum count', 3, Number((price('fargateX86VcpuHour') + 2 * price('fargateX86GbHour')).toFixed(4))],
    ]);
  });

  it('links each service to its own task definition and scaling target through the graph’s dependencies', () => {
    const services = ['a', 'b'].map((n) =>
      r(
        'aws:ecs/service:Service',
        { launchType: 'FARGATE', networkConfiguration: {} },
        { urn: `svc-${n}`, propertyDependencies: { taskDefinition: [`td-${n}`] } },
      ),
    );
    const tasks = [
      r('aws:ecs/taskDefinition:TaskDefinition', { cpu: '256', memory: '512' }, { urn: 'td-a' }),
      r('aws:ecs/taskDefinition:TaskDefinition', { cpu: '2048', memory: '4096' }, { urn: 'td-b' }),
    ];
    const targets = [
      r('aws:appautoscaling/target:Target', { serviceNamespace: 'ecs', minCapacity: 4 }, { propertyDependencies: { resourceId: ['svc-a'] } }),
      r('aws:appautoscaling/target:Target', { serviceNamespace: 'ecs', minCapacity: 1 }, { propertyDependencies: { resourceId: ['svc-b'] } }),
    ];
    expect(lines([...services, ...tasks, ...targets]).map(([item, count]) => [item, count])).toEqual([
      ['Fargate tasks (0.25 vCPU / 0.5 GB, x86), minimum count', 4],
      ['Fargate tasks (2 vCPU / 4 GB, x86), minimum count', 1],
    ]);
  });

  it('Container Insights: its custom metrics per cluster, service and task family; nothing when off', () => {
    const cluster = (value: string) => r('aws:ecs/cluster:Cluster', { settings: [{ name: 'containerInsights', value }] });
    const service = r('aws:ecs/service:Service', { launchType: 'FARGATE', networkConfiguration: {} });
    const task = r('aws:ecs/taskDefinition:TaskDefinition', { family: 'api', cpu: '256', memory: '512' });
    const insights = (resources: CostResource[]) => lines(resources).filter(([item]) => String(item).startsWith('Container Insights'));
    expect(insights([cluster('enabled'), service, task])).toEqual([['Container Insights metrics (custom metrics)', 31, 0.3]]);
    expect(insights([cluster('disabled'), service, task])).toEqual([]);
    expect(priceResources([cluster('enhanced')], PRICE_TABLE).usage).toContain('Container Insights with enhanced observability (per observation)');
  });

  it('alarms by the metrics they read (metric math reads several), and two per target-tracking policy', () => {
    const single = r('aws:cloudwatch/metricAlarm:MetricAlarm', { metricName: 'Errors', period: 60 });
    const math = r('aws:cloudwatch/metricAlarm:MetricAlarm', {
      metricQueries: [{ metric: { period: 60 } }, { metric: { period: 60 } }, { metric: { period: 60 } }, { expression: 'a + b + c' }],
    });
    const highResolution = r('aws:cloudwatch/metricAlarm:MetricAlarm', { metricName: 'Latency', period: 10 });
    const tracking = r('aws:appautoscaling/policy:Policy', { policyType: 'TargetTrackingScaling' });
    expect(lines([single, math, highResolution, tracking, tracking])).toEqual([
      ['CloudWatch alarm metrics (standard resolution)', 4, 0.1],
      ['CloudWatch alarm metrics (high resolution)', 1, 0.3],
      ['Target-tracking alarms (created by Application Auto Scaling)', 4, 0.1],
    ]);
  });

  it('dashboards, KMS keys, secrets, and a WAF web ACL with its rules', () => {
    expect(
      lines([
        r('aws:cloudwatch/dashboard:Dashboard'),
        r('aws:kms/key:Key'),
        r('aws:kms/key:Key'),
        r('aws:secretsmanager/secret:Secret'),
        r('aws:wafv2/webAcl:WebAcl', { rules: [{ name: 'rate' }, { name: 'geo' }] }),
      ]),
    ).toEqual([
      ['CloudWatch dashboards', 1, 3],
      ['KMS customer-managed keys', 2, 1],
      ['Secrets Manager secrets', 1, 0.4],
      ['WAF web ACLs', 1, 5],
      ['WAF rules', 2, 1],
    ]);
  });

  it('interface endpoints per AZ: the five the tasks would need without NAT or public IPs cost more than the whole budget', () => {
    const endpoints = ['ecr.api', 'ecr.dkr', 'logs', 'xray', 'cognito-idp'].map((s) => ({
      serviceName: `com.amazonaws.eu-west-1.${s}`,
      vpcEndpointType: 'Interface',
    }));
    const vpc = r('awsx:ec2:Vpc', { numberOfAvailabilityZones: 2, natGateways: { strategy: 'None' }, vpcEndpointSpecs: endpoints }, { custom: false });
    const report = priceResources([vpc], PRICE_TABLE);
    expect(lines([vpc])).toEqual([['Interface VPC endpoints (endpoint × AZ)', 10, 8.03]]);
    expect(report.total).toBeGreaterThan(50);
    // The NAT gateway it would replace, with its address, costs less than half of that.
    expect(price('natGatewayHour') + price('publicIpv4Hour')).toBeCloseTo(38.69, 2);
  });
});

describe('data safety', () => {
  it('prices the table’s and the vault’s keys a month each, and backup storage as usage: plans, selections, locks and versioning are free', () => {
    const report = priceResources(
      [
        r('aws:kms/key:Key'),
        r('aws:kms/key:Key'),
        r('aws:backup/vault:Vault'),
        r('aws:backup/vaultLockConfiguration:VaultLockConfiguration'),
        r('aws:backup/plan:Plan'),
        r('aws:backup/selection:Selection'),
        r('aws:iam/rolePolicyAttachment:RolePolicyAttachment'),
        r('aws:s3/bucketVersioning:BucketVersioning'),
      ],
      PRICE_TABLE,
    );
    expect(report.lines.map((l) => [l.item, l.count, l.unitMonthly])).toEqual([['KMS customer-managed keys', 2, 1]]);
    expect(report.unclassified).toEqual([]);
    // The rate is in the usage line, marked where it could not be confirmed for eu-west-1.
    expect(PRICE_TABLE.prices.backupStorageGbMonth).toMatchObject({ usd: 0.1, per: 'month', confirmed: false, check: expect.stringMatching(/^Not confirmed/) });
    expect(report.usage).toContain(
      'AWS Backup storage of the table’s daily full backups ($0.10/GB-month, not confirmed for eu-west-1: table GB × days kept), restores, and copies to another Region or account',
    );
    // No vault, no backup storage.
    expect(priceResources([r('aws:kms/key:Key')], PRICE_TABLE).usage.filter((u) => u.startsWith('AWS Backup'))).toEqual([]);
  });
});

describe('what is not a fixed monthly charge', () => {
  it('lists usage-priced resources apart, counts free ones as nothing, and reports unknown types', () => {
    const report = priceResources(
      [
        r('awsx:ec2:Vpc', { numberOfAvailabilityZones: 2, natGateways: { strategy: 'Single' } }, { custom: false }),
        r('aws:dynamodb/table:Table'),
        r('aws:ec2/flowLog:FlowLog'),
        r('aws:cognito/userPool:UserPool', { userPoolTier: 'PLUS' }),
        r('aws:iam/role:Role'),
        r('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule'),
        r('orders:network:Network', {}, { custom: false }),
        r('aws:rds/instance:Instance'),
      ],
      PRICE_TABLE,
    );
    expect(report.lines.map((l) => l.item)).toEqual(['NAT gateways', 'Public IPv4: NAT gateways’ Elastic IPs']);
    expect(report.usage).toEqual(
      expect.arrayContaining([
        'NAT data processing ($0.048/GB)',
        'DynamoDB on-demand requests and storage (and PITR storage where on)',
        'VPC flow logs (vended log ingestion, then log storage)',
        'Cognito Plus tier, threat protection (per monthly active user)',
      ]),
    );
    expect(report.unclassified).toEqual(['aws:rds/instance:Instance']);
    expect(report.total).toBeCloseTo(35.04 + 3.65, 6);
  });
});

describe('the report', () => {
  it('prints one line per item, count × unit price = monthly, the 730-hour total, and what it could not confirm', () => {
    const report = priceResources(
      [r('aws:lb/loadBalancer:LoadBalancer', { subnets: ['a', 'b'] }), r('aws:cloudwatch/dashboard:Dashboard'), r('aws:kms/key:Key')],
      PRICE_TABLE,
    );
    const text = formatReport('development', report, PRICE_TABLE, ['a note']);
    expect(text).toMatch(/^Fixed monthly cost of development \(eu-west-1, 730 h a month/);
    expect(text).toContain('note: a note');
    expect(text).toMatch(/Application Load Balancer\s+1 × {2}\$18\.40 = {3}\$18\.40/);
    expect(text).toMatch(/Public IPv4: load balancer \(one per AZ\)\s+2 × {3}\$3\.65 = {4}\$7\.30/);
    expect(text).toMatch(/Total a month, before traffic\s+\$29\.70/);
    expect(text).toContain('Not confirmed for eu-west-1 (see prices.json): dashboardMonth.');
  });
});

describe('stand-ins for a stack file’s placeholders', () => {
  it('keep the entries and their form, with values the program accepts', () => {
    const config = {
      'orders:alarmNotifications': { emails: ['a@example.com', 'b@example.com'], httpsEndpoints: ['https://hooks.example.com/x'] },
      'orders:domain': { hostname: 'orders.example.com', hostedZoneId: 'Z0REPLACEWITHYOURZONE' },
      'orders:api': { cpu: 256 },
    };
    const out = standIns('main', config) as Record<string, Record<string, unknown>>;
    expect(Object.keys(out)).toEqual(['orders:alarmNotifications', 'orders:domain']);
    expect(out['orders:alarmNotifications']).toEqual({
      emails: [expect.any(String), expect.any(String)],
      httpsEndpoints: [expect.stringMatching(/^https:\/\//)],
    });
    expect(Object.keys(out['orders:domain']!).sort()).toEqual(['hostedZoneId', 'hostname']);
    expect(JSON.stringify(out)).not.toMatch(/example\.|REPLACE/);
    expect(standIns('stage', { 'orders:domain': { hostname: 'x.example.com', certificateArn: 'arn:aws:acm:eu-west-1:1:certificate/x' } })).toEqual({
      'orders:domain': { hostname: 'orders-stage.cost-estimate.internal', certificateArn: expect.stringMatching(/^arn:aws:acm:/) },
    });
    expect(standIns('development', { 'orders:alarmNotifications': { emails: [], httpsEndpoints: [] } })).toEqual({
      'orders:alarmNotifications': { emails: [], httpsEndpoints: [] },
    });
  });
});
