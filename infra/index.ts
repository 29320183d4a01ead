import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { orderProcessorMapping } from '../core/eventSourceMapping';
import { orderTable } from '../core/table';
import { ApiLoadBalancer } from './components/apiLoadBalancer';
import { ApiService } from './components/apiService';
import { AuditLogs } from './components/auditLogs';
import { TableBackup } from './components/backup';
import { OrderData } from './components/data';
import { ApiDomain } from './components/domain';
import { Firewall } from './components/firewall';
import { AdminIdentity } from './components/adminIdentity';
import { Identity } from './components/identity';
import { Network } from './components/network';
import { Observability } from './components/observability';
import { TraceDelivery } from './components/traceDelivery';
import { OrderProcessor } from './components/processor';
import { releasedProcessorBundle } from './artifacts';
import { readConfig } from './config';

/**
 * The orders stack: `pulumi up --stack development|stage|main`.
 *   identity (customers, admins) → data (→ backup) → network (→ audit logs) → load balancer (→ firewall) → api → processor → observability
 */
const config = readConfig();
const name = `orders-${config.stack}`;
const accountId = aws.getCallerIdentityOutput({}).accountId;

const identity = new Identity(name, { protect: config.protect, config: config.identity });
const adminIdentity = new AdminIdentity(name, { protect: config.protect, config: config.identity });

const data = new OrderData(name, {
  stack: config.stack,
  region: config.region,
  accountId,
  pointInTimeRecovery: config.pointInTimeRecovery,
  protect: config.protect,
});

// Daily backups into a locked vault (stage, main: docs/data-safety.md); PITR stays on beside them.
const backup = config.backup
  ? new TableBackup(name, { stack: config.stack, region: config.region, accountId, tableArn: data.table.arn, config: config.backup, protect: config.protect })
  : undefined;

const network = new Network(name, { region: config.region, accountId, tableArn: data.table.arn, natGateways: config.natGateways });

const audit = config.auditLogs
  ? new AuditLogs(name, {
      stack: config.stack,
      region: config.region,
      accountId,
      vpcId: network.vpcId,
      retentionDays: config.logRetentionDays,
      protect: config.protect,
    })
  : undefined;

const loadBalancer = new ApiLoadBalancer(name, {
  vpcId: network.vpcId,
  publicSubnetIds: network.publicSubnetIds,
  ...(config.domain ? { domain: new ApiDomain(name, config.domain) } : {}),
  protect: config.protect,
  ...(audit ? { accessLogs: { bucket: audit.bucket.bucket, prefix: audit.albPrefix, ready: audit.policy } } : {}),
});

if (config.firewall) new Firewall(name, { stack: config.stack, loadBalancerArn: loadBalancer.loadBalancer.arn, config: config.firewall });

const api = new ApiService(name, {
  stack: config.stack,
  region: config.region,
  accountId,
  config: config.api,
  image: config.artifacts.apiImage,
  loadBalancer,
  https: config.domain !== undefined,
  protect: config.protect,
  logRetentionDays: config.logRetentionDays,
  vpcId: network.vpcId,
  subnetIds: network.taskSubnetIds,
  assignPublicIp: network.taskPublicIp,
  tableName: data.table.name,
  tableArn: data.table.arn,
  userPoolId: identity.userPool.id,
  clientIds: identity.clientIds,
  adminUserPoolId: adminIdentity.userPool.id,
  adminClientId: adminIdentity.client.id,
});

const processor = new OrderProcessor(name, {
  stack: config.stack,
  region: config.region,
  accountId,
  config: config.processor,
  bundleDir: releasedProcessorBundle(config.artifacts),
  logRetentionDays: config.logRetentionDays,
  tableName: data.table.name,
  tableArn: data.table.arn,
  streamArn: data.table.streamArn,
  mapping: { ...orderProcessorMapping, parallelizationFactor: config.processor.parallelizationFactor },
});

// Spans of one order's trace (API, stream, processor) land in X-Ray via Transaction Search.
new TraceDelivery(name, { region: config.region, accountId });

const observability = new Observability(name, {
  stack: config.stack,
  region: config.region,
  accountId,
  thresholds: config.alarms,
  notify: config.notify,
  minHealthyTasks: config.api.minCount,
  indexNames: orderTable.globalSecondaryIndexes.map((index) => index.name),
  loadBalancerArnSuffix: loadBalancer.loadBalancer.arnSuffix,
  targetGroupArnSuffix: loadBalancer.targetGroup.arnSuffix,
  functionName: processor.function.name,
  deadLetterQueueName: processor.deadLetterQueue.name,
  tableName: data.table.name,
  clusterName: api.cluster.name,
  serviceName: api.service.name,
  dashboard: config.dashboard,
});

export const apiUrl = loadBalancer.url;
export const docsUrl = loadBalancer.url.apply((url) => `${url}/order_docs`);
export const userPoolId = identity.userPool.id;
export const userPoolClientId = identity.client.id;
export const smokeClientId = identity.smokeClient.id;
export const loadTestClientId = identity.loadTestClient?.id;
// Where admins are created and sign in (docs/deploying.md, "Admins").
export const adminUserPoolId = adminIdentity.userPool.id;
export const adminClientId = adminIdentity.client.id;
export const tableName = data.table.name;
export const streamArn = data.table.streamArn;
// Where the table's backups are, and the role a restore runs with (docs/data-safety.md); none on development.
export const backupVaultName = backup?.vault.name;
export const backupRoleArn = backup?.role.arn;
export const tableKeyArn = data.key.arn;
export const dlqUrl = processor.deadLetterQueue.url;
export const processorFunctionName = processor.function.name;
export const dashboardName = observability.dashboard?.dashboardName; // none on development (orders:dashboard)
export const alarmTopicArn = observability.alarmTopic.arn;
export const region = config.region;
// What this stack runs: the gate's verdict names these, and promotion compares them with the release manifest.
export const apiImage = config.artifacts.apiImage;
export const processorBundle = config.artifacts.processorBundle;
// What the gate's cost reading (scripts/pipeline/cloudwatchUsage.ts) looks up in CloudWatch.
export const usage = pulumi.output({
  tableName: data.table.name,
  indexNames: orderTable.globalSecondaryIndexes.map((index) => index.name),
  functionName: processor.function.name,
  functionMemoryMb: config.processor.memoryMb,
  clusterName: api.cluster.name,
  serviceName: api.service.name,
  taskCpu: config.api.cpu,
  taskMemoryMb: config.api.memory,
  loadBalancerArnSuffix: loadBalancer.loadBalancer.arnSuffix,
});
export const alarmSubscribers = config.notify.emails.length + config.notify.httpsEndpoints.length; // 0: nobody hears alarms (development, by design)
