import * as awsx from '@pulumi/awsx';
import * as pulumi from '@pulumi/pulumi';
import { API_TABLE_ACTIONS } from './api';

export interface NetworkArgs {
  region: string;
  accountId: pulumi.Input<string>;
  /** The stack's table: the only one the DynamoDB endpoint lets the VPC reach. */
  tableArn: pulumi.Input<string>;
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
        vpcEndpointSpecs: [
          { serviceName: `com.amazonaws.${args.region}.dynamodb`, vpcEndpointType: 'Gateway', policy: dynamoDbEndpointPolicy(args.tableArn, args.accountId) },
        ],
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

/**
 * The DynamoDB gateway endpoint's policy (guard rule dynamodb-endpoint-policy). Without one, AWS attaches a policy
 * that allows every action on every table of every account. This one lets principals of this account do what the API
 * does (API_TABLE_ACTIONS) on this stack's table and its indexes, and nothing else leaves the VPC for DynamoDB (the
 * stream is read by the processor, which runs outside the VPC). "Control access to VPC endpoints using endpoint
 * policies": https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html; "Endpoint policies for
 * DynamoDB": https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/vpc-endpoints-dynamodb.html. An
 * endpoint policy only narrows: the tasks' role still decides what they may do.
 */
export function dynamoDbEndpointPolicy(tableArn: pulumi.Input<string>, accountId: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ThisStacksTableOnly',
        Effect: 'Allow',
        Principal: '*',
        Action: [...API_TABLE_ACTIONS],
        Resource: [tableArn, pulumi.interpolate`${tableArn}/index/*`],
        Condition: { StringEquals: { 'aws:PrincipalAccount': accountId } },
      },
    ],
  });
}
