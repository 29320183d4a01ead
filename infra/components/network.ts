import * as awsx from '@pulumi/awsx';
import * as pulumi from '@pulumi/pulumi';

export interface NetworkArgs {
  region: string;
  /** NAT per AZ for availability (stage, main), one for cost (development). */
  natGateways: 'None' | 'Single' | 'OnePerAz';
}

/** A two-AZ VPC: public subnets for the ALB, private subnets (egress through NAT) for the tasks. */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;

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
    this.registerOutputs({ vpcId: this.vpcId });
  }
}
