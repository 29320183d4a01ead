import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { FirewallConfig } from '../config';

export interface FirewallArgs {
  stack: string;
  loadBalancerArn: pulumi.Input<string>;
  config: FirewallConfig;
}

/** An AWS WAF web ACL on the load balancer: requests from one IP past the configured rate are blocked. */
export class Firewall extends pulumi.ComponentResource {
  readonly webAcl: aws.wafv2.WebAcl;

  constructor(name: string, args: FirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:firewall:Firewall', name, {}, opts);
    const metric = (suffix: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `orders-${args.stack}-${suffix}` });
    this.webAcl = new aws.wafv2.WebAcl(
      name,
      {
        scope: 'REGIONAL',
        description: `orders ${args.stack}: rate limit per client IP`,
        defaultAction: { allow: {} },
        rules: [
          {
            name: 'rate-per-ip',
            priority: 1,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: args.config.requestsPerIpPer5Minutes, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
            visibilityConfig: metric('rate-per-ip'),
          },
        ],
        visibilityConfig: metric('web-acl'),
      },
      { parent: this },
    );
    new aws.wafv2.WebAclAssociation(name, { resourceArn: args.loadBalancerArn, webAclArn: this.webAcl.arn }, { parent: this });
    this.registerOutputs({ webAclArn: this.webAcl.arn });
  }
}
