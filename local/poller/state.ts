import { CreateTableCommand, ResourceInUseException, waitUntilTableExists, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { OnFailureRecord } from '../../core/onFailureRecord';

export type { OnFailureRecord } from '../../core/onFailureRecord';

/** A batch that exhausted its retries. Locally we also keep the records so they can be redriven. */
export interface DeadLetter {
  id: string;
  onFailure: OnFailureRecord;
  records: DynamoDBRecord[];
  lastError: string;
}

export interface Checkpoint {
  /** Everything up to and including this sequence number is done. */
  sequenceNumber?: string;
  /** The shard is closed and was read to its end. */
  finished: boolean;
}

/**
 * The poller's own state — what Lambda keeps for an event source mapping — in a small table of its own on the
 * same DynamoDB Local, so it survives a restart exactly when the orders do (with a data dir).
 */
export class PollerState {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  static async ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [
            { AttributeName: 'PK', AttributeType: 'S' },
            { AttributeName: 'SK', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'PK', KeyType: 'HASH' },
            { AttributeName: 'SK', KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.5 } as never, { TableName: tableName });
  }

  async checkpoint(streamArn: string, shardId: string): Promise<Checkpoint> {
    const found = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { PK: `CHECKPOINT#${streamArn}`, SK: shardId }, ConsistentRead: true }));
    return { sequenceNumber: found.Item?.sequenceNumber as string | undefined, finished: found.Item?.finished === true };
  }

  /** When the mapping was created on this stream: its starting position is applied then, and only then. */
  async mappingCreatedAt(streamArn: string): Promise<string | undefined> {
    const found = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { PK: `MAPPING#${streamArn}`, SK: 'MAPPING' }, ConsistentRead: true }));
    return found.Item?.createdAt as string | undefined;
  }

  async recordMappingCreated(streamArn: string, startingPosition: string): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { PK: `MAPPING#${streamArn}`, SK: 'MAPPING', startingPosition, createdAt: new Date().toISOString() } }),
    );
  }

  async saveCheckpoint(streamArn: string, shardId: string, sequenceNumber: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: `CHECKPOINT#${streamArn}`, SK: shardId },
        UpdateExpression: 'SET sequenceNumber = :s, updatedAt = :t',
        ExpressionAttributeValues: { ':s': sequenceNumber, ':t': new Date().toISOString() },
      }),
    );
  }

  async markFinished(streamArn: string, shardId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: `CHECKPOINT#${streamArn}`, SK: shardId },
        UpdateExpression: 'SET finished = :t',
        ExpressionAttributeValues: { ':t': true },
      }),
    );
  }

  async addDeadLetter(letter: DeadLetter): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        // Records are kept as one JSON string: they are opaque here and only ever handed back to the handler.
        Item: { PK: 'DLQ', SK: letter.id, onFailure: letter.onFailure, records: JSON.stringify(letter.records), lastError: letter.lastError },
      }),
    );
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :dlq',
          ExpressionAttributeValues: { ':dlq': 'DLQ' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        letters.push({
          id: item.SK as string,
          onFailure: OnFailureRecord.parse(item.onFailure),
          records: JSON.parse(item.records as string),
          lastError: item.lastError as string,
        });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return letters;
  }

  async removeDeadLetter(id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: 'DLQ', SK: id } }));
  }
}

export const pollerStateTableName = (ordersTable: string) => `${ordersTable}-poller-state`;
