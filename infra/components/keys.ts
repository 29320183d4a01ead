import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface StackKeyArgs {
  description: string;
  accountId: pulumi.Input<string>;
  /** Who may use the key besides the account's IAM principals (services, by condition). */
  grants?: Array<Record<string, unknown>>;
}

/**
 * A customer-managed KMS key of the stack: rotated every year, 30 days between a deletion request and the deletion,
 * administered by the account, which delegates its use to IAM policies ("Default key policy", AWS KMS developer
 * guide), and usable by whoever `grants` names.
 */
export function stackKey(name: string, args: StackKeyArgs, opts: pulumi.CustomResourceOptions): aws.kms.Key {
  return new aws.kms.Key(
    name,
    {
      description: args.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: pulumi.jsonStringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AccountAdministersTheKey',
            Effect: 'Allow',
            Principal: { AWS: pulumi.interpolate`arn:aws:iam::${args.accountId}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
          ...(args.grants ?? []),
        ],
      }),
    },
    opts,
  );
}
