import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { stackKey } from './keys';
import { orderTable } from '../../core/table';
import { statefulResourceOptions } from './protection';

export interface OrderTableArgs {
  stack: string;
  region: string;
  accountId: pulumi.Input<string>;
  pointInTimeRecovery: boolean;
  protect: boolean;
}

/**
 * The policy of the table's key, as AWS documents one for a customer-managed key protecting DynamoDB tables ("How
 * Amazon DynamoDB uses AWS KMS", "Customer managed key policy":
 * https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html#dynamodb-customer-cmk-policy, and the
 * statements of the AWS-managed aws/dynamodb key it replaces):
 *  - the account administers the key (and may delegate that through IAM policies: stackKey);
 *  - any principal of this account may have DynamoDB use the key on its behalf, and only DynamoDB in this Region
 *    (kms:ViaService), never directly: "You can provide these permissions in a key policy, an IAM policy, or a grant",
 *    so the API's and the processor's roles need no KMS statement of their own (docs/deploying.md, "IAM proven by evaluation");
 *  - DynamoDB itself may read the key's metadata.
 */
const tableKeyGrants = (accountId: pulumi.Input<string>, region: string) => [
  {
    Sid: 'ThisAccountThroughDynamoDB',
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
    Resource: '*',
    Condition: { StringEquals: { 'kms:CallerAccount': accountId, 'kms:ViaService': `dynamodb.${region}.amazonaws.com` } },
  },
  {
    Sid: 'DynamoDBReadsKeyMetadata',
    Effect: 'Allow',
    Principal: { Service: 'dynamodb.amazonaws.com' },
    Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'],
    Resource: '*',
  },
];

/** The order table, built from the shared definition in core/table.ts, encrypted with a key of its own. */
export class OrderData extends pulumi.ComponentResource {
  readonly table: aws.dynamodb.Table;
  /** Encrypts the table, its indexes, its stream and its PITR backups (and AWS Backup restores, docs/data-safety.md). */
  readonly key: aws.kms.Key;

  constructor(name: string, args: OrderTableArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:data:OrderData', name, {}, opts);
    // Stateful like the table: without the key the table cannot be read, so it is protected and retained with it.
    this.key = stackKey(
      `${name}-table`,
      {
        description: `orders ${args.stack}: encrypts the order table, its indexes, stream and backups`,
        accountId: args.accountId,
        grants: tableKeyGrants(args.accountId, args.region),
      },
      statefulResourceOptions(args.protect, this),
    );
    this.table = new aws.dynamodb.Table(
      name,
      {
        billingMode: orderTable.billingMode,
        hashKey: orderTable.hashKey,
        rangeKey: orderTable.rangeKey,
        attributes: orderTable.attributes.map((a) => ({ name: a.name, type: a.type })),
        // keySchemas: the hashKey/rangeKey form is deprecated in @pulumi/aws 7 and warns at every preview.
        globalSecondaryIndexes: orderTable.globalSecondaryIndexes.map((index) => ({
          name: index.name,
          keySchemas: [{ attributeName: index.hashKey, keyType: 'HASH' }, ...(index.rangeKey ? [{ attributeName: index.rangeKey, keyType: 'RANGE' }] : [])],
          projectionType: index.projectionType,
        })),
        streamEnabled: true,
        streamViewType: orderTable.streamViewType,
        ttl: { attributeName: orderTable.ttlAttribute, enabled: true },
        // A customer-managed key (guard rule table-customer-managed-key): its policy is ours, its use is in CloudTrail,
        // and switching an existing table to it is an in-place UpdateTable without downtime.
        serverSideEncryption: { enabled: true, kmsKeyArn: this.key.arn },
        pointInTimeRecovery: { enabled: args.pointInTimeRecovery },
        deletionProtectionEnabled: args.protect,
      },
      statefulResourceOptions(args.protect, this),
    );
    this.registerOutputs({ tableName: this.table.name, streamArn: this.table.streamArn, keyArn: this.key.arn });
  }
}
