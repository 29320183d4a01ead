import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { stateBucketName, stateKeyAlias } from '../names';

export interface StateBackendArgs {
  account: pulumi.Input<string>;
  region: string;
  stacks: readonly string[];
}

/**
 * The self-managed Pulumi backend (`pulumi login s3://<bucket>`): a versioned, encrypted, private bucket, and per
 * stack a KMS key that is that stack's secrets provider (`--secrets-provider awskms://alias/orders-pulumi-<stack>`).
 * Who reads and writes which stack's objects, and who decrypts with which key, is the roles' business
 * (infra/ci/policies/state.ts): a pull request's preview of development can read neither main's state nor its
 * secrets, and no identity of the pipeline can delete an earlier version of any checkpoint.
 */
export class StateBackend extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly keys: Record<string, aws.kms.Key>;

  constructor(name: string, args: StateBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:ci:StateBackend', name, {}, opts);
    const protect = { parent: this, protect: true };
    this.bucket = new aws.s3.Bucket(name, { bucket: pulumi.output(args.account).apply((account) => stateBucketName(account, args.region)) }, protect);
    new aws.s3.BucketVersioning(name, { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } }, protect);
    new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      // SSE-S3, not SSE-KMS: with a KMS key every GetObject is a kms:Decrypt by the caller, and a preview role may
      // decrypt with its stack's secrets key only. The secrets inside a checkpoint are encrypted with that key anyway.
      { bucket: this.bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] },
      protect,
    );
    new aws.s3.BucketPublicAccessBlock(
      name,
      { bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      protect,
    );
    new aws.s3.BucketOwnershipControls(name, { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } }, protect);
    new aws.s3.BucketPolicy(
      name,
      {
        bucket: this.bucket.id,
        policy: this.bucket.arn.apply((arn) =>
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'TlsOnly',
                Effect: 'Deny',
                Principal: '*',
                Action: 's3:*',
                Resource: [arn, `${arn}/*`],
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ],
          }),
        ),
      },
      protect,
    );
    this.keys = Object.fromEntries(
      args.stacks.map((stack) => {
        const key = new aws.kms.Key(
          `${name}-${stack}`,
          { description: `Pulumi secrets of the orders stack ${stack}`, enableKeyRotation: true, deletionWindowInDays: 30 },
          protect,
        );
        new aws.kms.Alias(`${name}-${stack}`, { name: stateKeyAlias(stack), targetKeyId: key.keyId }, protect);
        return [stack, key];
      }),
    );
    this.registerOutputs({ bucket: this.bucket.bucket });
  }

  /** The ARN of the key that encrypts `stack`'s secrets. */
  keyArn(stack: string): pulumi.Output<string> {
    const key = this.keys[stack];
    if (!key) throw new Error(`no state key for stack ${stack}`);
    return key.arn;
  }
}
