import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { API_SERVICE_TYPE, CONTAINER_PORT, DEREGISTRATION_DELAY_SECONDS } from './api';
import type { ApiDomain } from './domain';

export interface ApiLoadBalancerArgs {
  vpcId: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<string[]>;
  /** HTTPS on this name (stage and main must have one: guard rule https-on-stage-and-main). */
  domain?: ApiDomain;
  protect: boolean;
  /** Where the ALB writes its access logs, when the stack keeps them; `ready` once the bucket lets it write. */
  accessLogs?: { bucket: pulumi.Input<string>; prefix: string; ready: pulumi.Resource };
}

/**
 * The API's front door: a public ALB in its own security group, open to the internet on 80 (and 443 with a
 * domain, where 80 only redirects), forwarding to the tasks' target group; and the domain's alias record.
 */
export class ApiLoadBalancer extends pulumi.ComponentResource {
  readonly url: pulumi.Output<string>;
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  readonly securityGroup: aws.ec2.SecurityGroup;
  readonly listeners: aws.lb.Listener[];

  constructor(name: string, args: ApiLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:api:LoadBalancer', name, {}, opts);
    // These resources were the ApiService component's own until it was split: the alias keeps each one's URN,
    // so `pulumi up` moves them here instead of replacing the load balancer.
    const parent = { parent: this, aliases: [{ parent: pulumi.createUrn(name, API_SERVICE_TYPE) }] };

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-alb`,
      { vpcId: args.vpcId, description: 'Orders API load balancer', tags: { role: 'load-balancer' } },
      parent,
    );
    const publicPorts = args.domain ? [80, 443] : [80];
    for (const port of publicPorts) {
      for (const [family, cidr] of [
        ['ipv4', '0.0.0.0/0'],
        ['ipv6', '::/0'],
      ] as const) {
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-alb-${port}-${family}`,
          {
            securityGroupId: this.securityGroup.id,
            ipProtocol: 'tcp',
            fromPort: port,
            toPort: port,
            ...(family === 'ipv4' ? { cidrIpv4: cidr } : { cidrIpv6: cidr }),
            description: `HTTP${port === 443 ? 'S' : ''} from the internet`,
          },
          parent,
        );
      }
    }

    this.loadBalancer = new aws.lb.LoadBalancer(
      name,
      {
        loadBalancerType: 'application',
        internal: false,
        securityGroups: [this.securityGroup.id],
        subnets: args.publicSubnetIds,
        dropInvalidHeaderFields: true,
        idleTimeout: 60,
        enableDeletionProtection: args.protect,
        ...(args.accessLogs ? { accessLogs: { bucket: args.accessLogs.bucket, prefix: args.accessLogs.prefix, enabled: true } } : {}),
      },
      // ELB checks it can write to the log bucket when logs are switched on: the bucket policy comes first.
      { ...parent, ...(args.accessLogs ? { dependsOn: [args.accessLogs.ready] } : {}) },
    );
    this.targetGroup = new aws.lb.TargetGroup(
      name,
      {
        vpcId: args.vpcId,
        port: CONTAINER_PORT,
        protocol: 'HTTP',
        targetType: 'ip',
        deregistrationDelay: DEREGISTRATION_DELAY_SECONDS,
        healthCheck: { path: '/v1/health', matcher: '200', interval: 15, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
      },
      parent,
    );
    const forward = [{ type: 'forward', targetGroupArn: this.targetGroup.arn }];
    this.listeners = args.domain
      ? [
          new aws.lb.Listener(
            `${name}-https`,
            {
              loadBalancerArn: this.loadBalancer.arn,
              port: 443,
              protocol: 'HTTPS',
              sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
              certificateArn: args.domain.certificateArn,
              defaultActions: forward,
            },
            parent,
          ),
          new aws.lb.Listener(
            `${name}-http`,
            {
              loadBalancerArn: this.loadBalancer.arn,
              port: 80,
              protocol: 'HTTP',
              defaultActions: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
            },
            parent,
          ),
        ]
      : [new aws.lb.Listener(`${name}-http`, { loadBalancerArn: this.loadBalancer.arn, port: 80, protocol: 'HTTP', defaultActions: forward }, parent)];

    args.domain?.pointAt(this.loadBalancer);
    this.url = args.domain ? pulumi.output(`https://${args.domain.hostname}`) : pulumi.interpolate`http://${this.loadBalancer.dnsName}`;
    this.registerOutputs({ url: this.url });
  }
}
