import { Readable } from 'node:stream';
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';

/**
 * The error the real SDK client makes of a DynamoDB error answer, recorded as the DynamoDB API reference documents
 * it: for the shapes DynamoDB Local never produces (a transaction lost to another, throttling).
 */
export function recordedDynamoError(type: string, fields: Record<string, unknown> = {}, statusCode = 400): Promise<unknown> {
  const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, ...fields });
  const client = new DynamoDBClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
    requestHandler: {
      handle: async () => ({
        response: { statusCode, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([Buffer.from(body)]) },
      }),
    },
  });
  return client.send(new TransactWriteItemsCommand({ TransactItems: [] })).then(
    () => undefined,
    (err: unknown) => err,
  );
}

/** TransactWriteItems cancelled with one reason per item, as DynamoDB answers it. */
export const cancelledTransaction = (codes: string[]) =>
  recordedDynamoError('TransactionCanceledException', {
    CancellationReasons: codes.map((Code) => (Code === 'TransactionConflict' ? { Code, Message: 'Transaction is ongoing for the item' } : { Code })),
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
  });

/** The error the real SDK client gives when nothing listens where it sends (a store that is down). */
export function unreachableStoreError(): Promise<unknown> {
  const client = new DynamoDBClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    endpoint: 'http://127.0.0.1:1',
    maxAttempts: 1,
  });
  return client
    .send(new TransactWriteItemsCommand({ TransactItems: [] }))
    .then(
      () => undefined,
      (err: unknown) => err,
    )
    .finally(() => client.destroy());
}
