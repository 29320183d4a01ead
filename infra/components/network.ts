import * as awsx from '@pulumi/awsx';
import * as pulumi from '@pulumi/pulumi';

export interface NetworkArgs {
  region: string;
  /** NAT per AZ for availability (stage, main), or none for cost (development: tasks on public IPs instead). */
  natGateways: 'None' | 'Single' | 'OnePerAz';
}

/**
 * A two-AZ VPC: public subnets for the ALB; for the tasks, private subnets with egress through NAT, or, without NAT,
 * the public subnets with a public IP per task (their security group admits only the load balancer).
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** Where the API tasks run. */
  readonly taskSubnetIds: pulumi.Output<string[]>;
  /** Whether a task needs a public IP to reach AWS APIs (ECR, CloudWatch Logs, X-Ray, Cognito's keys). */
  readonly taskPublicIp: boolean;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:network:Network', name, {}, opts);
    const vpc = new awsx.ec2.Vpc(
      name,
      {
        numberOfAvailabilityZones: 2,
        natGateways: { strategy: args.natGateways },
        subnetStrategy: 'Auto',
        enableDnsHostnames: true,
        // Task traffic to DynamoDB stays on AWS's network and does not pay for NAT (routes filled in by awsx).
        vpcEndpointSpecs: [{ serviceName: `com.amazonaws.${args.region}.dynamodb`, vpcEndpointType: 'Gateway' }],
        vpcEndpointStrategy: 'Auto',
      },
      { parent: this },
    );
    this.vpcId = vpc.vpcId;
    this.publicSubnetIds = vpc.publicSubnetIds;
    this.privateSubnetIds = vpc.privateSubnetIds;
    // awsx with strategy None still creates the private subnets (its default specs) but routes nothing out of them
    // (pulumi-awsx awsx/ec2/vpc.ts: the 0.0.0.0/0 route to a NAT is added only when the strategy is not None), so
    // a task there could not pull its image: without NAT the tasks take the public subnets and a public IP.
    this.taskPublicIp = args.natGateways === 'None';
    this.taskSubnetIds = this.taskPublicIp ? vpc.publicSubnetIds : vpc.privateSubnetIds;
    this.registerOutputs({ vpcId: this.vpcId });
  }
}
