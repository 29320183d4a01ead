import type { Bill } from '../bill';
import { asArray, ofType, type CostResource } from '../resources';

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

/** Network: NAT gateways (each with its Elastic IP) and interface endpoints, from the VPC component's inputs. */
export function priceNetwork(resources: readonly CostResource[], bill: Bill): { azs: number } {
  let azs = 0;
  for (const vpc of ofType(resources, 'awsx:ec2:Vpc')) {
    const shape = vpcShape(vpc.inputs);
    azs = Math.max(azs, shape.azs);
    bill.add('NAT gateways', shape.natGateways, ['natGatewayHour']);
    bill.add('Public IPv4: NAT gateways’ Elastic IPs', shape.natGateways, ['publicIpv4Hour']);
    bill.add('Interface VPC endpoints (endpoint × AZ)', shape.interfaceEndpointAzs, ['interfaceEndpointAzHour']);
    if (shape.natGateways > 0) bill.usage.add('NAT data processing ($0.048/GB)');
    if (shape.interfaceEndpointAzs > 0) bill.usage.add('Interface endpoint data processing ($0.01/GB)');
  }
  const natGateways = ofType(resources, 'aws:ec2/natGateway:NatGateway').length;
  bill.add('NAT gateways', natGateways, ['natGatewayHour']);
  bill.add('Public IPv4: Elastic IPs', ofType(resources, 'aws:ec2/eip:Eip').length, ['publicIpv4Hour']);
  bill.add(
    'Interface VPC endpoints (endpoint × AZ)',
    ofType(resources, 'aws:ec2/vpcEndpoint:VpcEndpoint')
      .filter((e) => e.inputs.vpcEndpointType === 'Interface')
      .reduce((sum, e) => sum + Math.max(1, asArray(e.inputs.subnetIds as unknown[]).length), 0),
    ['interfaceEndpointAzHour'],
  );
  return { azs };
}

/** Load balancers: the hourly charge, and a public IPv4 address per AZ (one per subnet) when internet-facing. */
export function priceLoadBalancers(resources: readonly CostResource[], bill: Bill, azs: number): void {
  for (const lb of ofType(resources, 'aws:lb/loadBalancer:LoadBalancer')) {
    if ((lb.inputs.loadBalancerType ?? 'application') !== 'application') {
      bill.unclassified.add(`${lb.type} (${String(lb.inputs.loadBalancerType)})`);
      continue;
    }
    bill.add('Application Load Balancer', 1, ['loadBalancerHour']);
    bill.usage.add('Load balancer capacity units ($0.008/LCU-hour)');
    const subnets = asArray(lb.inputs.subnets as unknown[]).length || asArray(lb.inputs.subnetMappings as unknown[]).length || azs;
    if (lb.inputs.internal !== true && lb.inputs.ipAddressType !== 'dualstack-without-public-ipv4') {
      bill.add('Public IPv4: load balancer (one per AZ)', subnets, ['publicIpv4Hour']);
    }
  }
}
