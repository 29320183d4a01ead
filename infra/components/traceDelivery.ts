import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface TraceDeliveryArgs {
  region: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
}

/**
 * Where X-Ray keeps spans: CloudWatch Logs (Transaction Search), which X-Ray's OTLP endpoint requires. The
 * processor exports there directly (processor/src/xrayExporter.ts); the API's collector sidecar sends to X-Ray.
 * The destination is an account-wide setting (every stack sets the same value; removing it changes nothing);
 * the log resource policy lets X-Ray write the `aws/spans` log group, named per stack so stacks sharing an
 * account do not overwrite each other's.
 */
export class TraceDelivery extends pulumi.ComponentResource {
  readonly destination: aws.xray.TraceSegmentDestination;

  constructor(name: string, args: TraceDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:tracing:TraceDelivery', name, {}, opts);
    const policy = new aws.cloudwatch.LogResourcePolicy(
      `${name}-xray-spans`,
      {
        policyName: `${name}-xray-spans`,
        policyDocument: pulumi.jsonStringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'XRayWritesSpans',
              Effect: 'Allow',
              Principal: { Service: 'xray.amazonaws.com' },
              Action: 'logs:PutLogEvents',
              Resource: [
                pulumi.interpolate`arn:aws:logs:${args.region}:${args.accountId}:log-group:aws/spans:*`,
                pulumi.interpolate`arn:aws:logs:${args.region}:${args.accountId}:log-group:/aws/application-signals/data:*`,
              ],
              Condition: {
                ArnLike: { 'aws:SourceArn': pulumi.interpolate`arn:aws:xray:${args.region}:${args.accountId}:*` },
                StringEquals: { 'aws:SourceAccount': args.accountId },
              },
            },
          ],
        }),
      },
      { parent: this },
    );
    this.destination = new aws.xray.TraceSegmentDestination(name, { destination: 'CloudWatchLogs' }, { parent: this, dependsOn: [policy] });
    this.registerOutputs({});
  }
}
