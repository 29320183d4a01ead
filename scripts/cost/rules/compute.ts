import type { Bill } from '../bill';
import type { PriceKey } from '../priceTable';
import { asArray, linked, ofType, type CostResource } from '../resources';

/** Fargate tasks at their size, as many as the scaling target's minimum (the desired count before autoscaling). */
export function priceFargate(resources: readonly CostResource[], bill: Bill): void {
  const services = ofType(resources, 'aws:ecs/service:Service');
  const taskDefinitions = ofType(resources, 'aws:ecs/taskDefinition:TaskDefinition');
  const ecsTargets = ofType(resources, 'aws:appautoscaling/target:Target').filter((t) => t.inputs.serviceNamespace === 'ecs');
  for (const service of services) {
    if (service.inputs.launchType !== 'FARGATE') {
      bill.unclassified.add(`${service.type} (launch type ${String(service.inputs.launchType)})`);
      continue;
    }
    const task = linked(service, 'taskDefinition', taskDefinitions);
    const target =
      ecsTargets.find((t) => service.urn !== undefined && (t.propertyDependencies?.resourceId ?? []).includes(service.urn)) ??
      (services.length === 1 && ecsTargets.length === 1 ? ecsTargets[0] : undefined);
    const count = Number(target?.inputs.minCapacity ?? service.inputs.desiredCount ?? 1);
    if (!task) {
      bill.unclassified.add(`${service.type} (no task definition found)`);
      continue;
    }
    const vcpu = Number(task.inputs.cpu) / 1024;
    const gb = Number(task.inputs.memory) / 1024;
    const arm = (task.inputs.runtimePlatform as { cpuArchitecture?: string } | undefined)?.cpuArchitecture === 'ARM64';
    const [cpuKey, memKey]: [PriceKey, PriceKey] = arm ? ['fargateArmVcpuHour', 'fargateArmGbHour'] : ['fargateX86VcpuHour', 'fargateX86GbHour'];
    bill.add(
      `Fargate tasks (${vcpu} vCPU / ${gb} GB, ${arm ? 'ARM64' : 'x86'}), minimum count`,
      count,
      [cpuKey, memKey],
      vcpu * bill.monthly(cpuKey) + gb * bill.monthly(memKey),
    );
    if ((service.inputs.networkConfiguration as { assignPublicIp?: boolean } | undefined)?.assignPublicIp === true) {
      bill.add('Public IPv4: API tasks (one per task)', count, ['publicIpv4Hour']);
    }
  }
}

/** Container Insights: custom metrics per cluster, per service and per task definition family in it. */
export function priceContainerInsights(resources: readonly CostResource[], bill: Bill): void {
  const services = ofType(resources, 'aws:ecs/service:Service');
  const taskDefinitions = ofType(resources, 'aws:ecs/taskDefinition:TaskDefinition');
  const ci = bill.table.counts.containerInsightsMetrics;
  for (const cluster of ofType(resources, 'aws:ecs/cluster:Cluster')) {
    const mode = asArray(cluster.inputs.settings as Array<{ name: string; value: string }>).find((s) => s.name === 'containerInsights')?.value;
    if (mode === 'enhanced') bill.usage.add('Container Insights with enhanced observability (per observation)');
    if (mode !== 'enabled') continue;
    const inCluster = services.filter((s) => linked(s, 'cluster', ofType(resources, 'aws:ecs/cluster:Cluster')) === cluster);
    const families = new Set(inCluster.map((s) => String(linked(s, 'taskDefinition', taskDefinitions)?.inputs.family ?? s.name)));
    const metrics = ci.perCluster + inCluster.length * ci.perService + families.size * ci.perTaskDefinitionFamily;
    bill.add(
      'Container Insights metrics (custom metrics)',
      metrics,
      ['customMetricMonth'],
      bill.monthly('customMetricMonth'),
      ci.confirmed ? undefined : 'metrics per Container Insights cluster',
    );
    bill.usage.add('Container Insights performance log events (log ingestion)');
  }
}
