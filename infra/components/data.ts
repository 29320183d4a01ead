import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { orderTable } from '../../core/table';
import { statefulResourceOptions } from './protection';

export interface OrderTableArgs {
  pointInTimeRecovery: boolean;
  protect: boolean;
}

/** The order table, built from the shared definition in core/table.ts. */
export class OrderData extends pulumi.ComponentResource {
  readonly table: aws.dynamodb.Table;

  constructor(name: string, args: OrderTableArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:data:OrderData', name, {}, opts);
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
        // A KMS key (AWS-managed) rather than DynamoDB's default owned key: auditable in CloudTrail.
        serverSideEncryption: { enabled: true },
        pointInTimeRecovery: { enabled: args.pointInTimeRecovery },
        deletionProtectionEnabled: args.protect,
      },
      statefulResourceOptions(args.protect, this),
    );
    this.registerOutputs({ tableName: this.table.name, streamArn: this.table.streamArn });
  }
}
