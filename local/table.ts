import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEMO_CATALOG } from '../core/domain/product';
import { productToItem } from '../core/tableItems';
import { createTableInput, orderTable } from '../core/table';

/** Creates the table from the shared definition unless it exists; returns its stream ARN. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<{ streamArn: string; created: boolean }> {
  let created = false;
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    created = true;
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.5 } as never, { TableName: tableName });
  if (created) {
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: orderTable.ttlAttribute, Enabled: true } }),
    );
  }
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${tableName} has no stream`);
  return { streamArn, created };
}

/** Puts the demo catalog, keeping any product that already exists (a restart with a data dir keeps its stock). */
export async function seedCatalog(db: DynamoDBDocumentClient, tableName: string, now = new Date()): Promise<void> {
  for (const product of DEMO_CATALOG) {
    try {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: productToItem({ ...product, updatedAt: now.toISOString() }),
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    }
  }
}
