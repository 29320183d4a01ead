import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { serviceRole } from './iam';
import { retainedResourceOptions } from './protection';

export interface AuditLogsArgs {
  stack: string;
  region: string;
  accountId: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  retentionDays: number;
  protect: boolean;
}

/**
 * What crossed the network and the load balancer (stage and main): a private, encrypted, versioned bucket the ALB
 * writes its access logs to, and VPC flow logs in a log group with the stack's retention. The bucket and its settings
 * outlive the stack (retained on delete, never force-destroyed): a `pulumi destroy` must not take the evidence with it.
 */
export class AuditLogs extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  /** The policy that lets the load balancer write: depend on it before switching access logs on. */
  readonly policy: aws.s3.BucketPolicy;
  /** Where the ALB writes, inside the bucket. */
  readonly albPrefix = 'alb';

  constructor(name: string, args: AuditLogsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:audit:AuditLogs', name, {}, opts);
    const parent = { parent: this };
    // The bucket and every setting of it are retained: a bucket left behind without its policy or lifecycle would
    // keep logs forever or accept plain HTTP.
    const kept = retainedResourceOptions(args.protect, this);
    this.bucket = new aws.s3.Bucket(`${name}-access-logs`, { forceDestroy: false }, kept);
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-access-logs`,
      { bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      kept,
    );
    new aws.s3.BucketOwnershipControls(`${name}-access-logs`, { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } }, kept);
    // ALB access logs accept SSE-S3 only (not SSE-KMS).
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-access-logs`,
      { bucket: this.bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] },
      kept,
    );
    // Versioned (guard rule log-buckets-versioned): an overwritten or deleted log stays as a noncurrent version for
    // the retention, then expires. In a versioned bucket, expiring a current object adds a delete marker and keeps the
    // object as noncurrent; NoncurrentVersionExpiration deletes it for good ("Lifecycle configuration elements",
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html).
    const versioning = new aws.s3.BucketVersioning(`${name}-access-logs`, { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } }, kept);
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-access-logs`,
      {
        bucket: this.bucket.id,
        rules: [
          {
            id: 'expire',
            status: 'Enabled',
            filter: {},
            expiration: { days: args.retentionDays },
            noncurrentVersionExpiration: { noncurrentDays: args.retentionDays },
          },
        ],
      },
      // Versioning first, as the provider's example for a versioned bucket does (BucketLifecycleConfiguration docs).
      { ...kept, dependsOn: [versioning] },
    );
    // Regions older than August 2022 deliver from the regional ELB account, newer ones from the service principal.
    const elbAccount = aws.elb.getServiceAccountOutput({}, parent);
    this.policy = new aws.s3.BucketPolicy(
      `${name}-access-logs`,
      {
        bucket: this.bucket.id,
        policy: pulumi.jsonStringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'LoadBalancerWritesAccessLogs',
              Effect: 'Allow',
              Principal: { AWS: elbAccount.arn, Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: pulumi.interpolate`${this.bucket.arn}/${this.albPrefix}/AWSLogs/${args.accountId}/*`,
            },
            {
              Sid: 'TlsOnly',
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [this.bucket.arn, pulumi.interpolate`${this.bucket.arn}/*`],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        }),
      },
      // S3 refuses a policy and a public access block changed at the same time (OperationAborted).
      { ...kept, dependsOn: [publicAccessBlock] },
    );

    const flowLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      { name: `/vpc/orders-${args.stack}/flow-logs`, retentionInDays: args.retentionDays },
      parent,
    );
    // The permissions and trust AWS lists for delivery to CloudWatch Logs, "IAM role for publishing flow logs to
    // CloudWatch Logs": https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html. AWS grants them on
    // "*"; here on this group and its streams, except DescribeLogGroups, which names no log group (AWS authorises it
    // on `log-group::log-stream:`), so it gets the account's log groups in this region.
    const { role, policy } = serviceRole(
      `${name}-flow-logs`,
      'vpc-flow-logs.amazonaws.com',
      [
        {
          sid: 'WriteFlowLogs',
          actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          resources: [flowLogGroup.arn, pulumi.interpolate`${flowLogGroup.arn}:*`],
        },
        {
          sid: 'FindFlowLogGroup',
          actions: ['logs:DescribeLogGroups'],
          resources: [pulumi.interpolate`arn:aws:logs:${args.region}:${args.accountId}:log-group:*`],
        },
      ],
      this,
      // Against the confused deputy, as the same page recommends: only flow logs of this account, in this region.
      { accountId: args.accountId, region: args.region, stack: args.stack },
    );
    new aws.ec2.FlowLog(
      `${name}-vpc`,
      {
        vpcId: args.vpcId,
        trafficType: 'ALL',
        logDestinationType: 'cloud-watch-logs',
        logDestination: flowLogGroup.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
      },
      { parent: this, dependsOn: [policy] },
    );
    this.registerOutputs({ bucket: this.bucket.bucket });
  }
}
