import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactGetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { failure, tableBehindLayer } from './layer';

/**
 * Transaction conflicts as DynamoDB answers them, through the real SDK client: DynamoDB Local serialises
 * transactions and never conflicts, the contention layer in front of it (local/contention) does.
 */
const env = tableBehindLayer({ maxHoldMs: Infinity });

const key = (name: string) => ({ PK: `COUNTER#${name}`, SK: 'COUNTER' });
const bump = (tableName: string, name: string) => ({
  Update: { TableName: tableName, Key: key(name), UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } },
});
const valueOf = async (name: string) =>
  ((await env.table.db.send(new GetCommand({ TableName: env.table.tableName, Key: key(name), ConsistentRead: true }))).Item?.n ?? 0) as number;

it('cancels a transaction that overlaps one in flight, with one reason per item, and refuses single writes to its items', async () => {
  const { tableName } = env.table;
  const first = await env.layer.holdTransaction([bump(tableName, 'a'), bump(tableName, 'b')]);

  const cancelled = await failure(env.layer.db.send(new TransactWriteCommand({ TransactItems: [bump(tableName, 'c'), bump(tableName, 'b')] })));
  expect(cancelled).toBeInstanceOf(TransactionCanceledException);
  expect(cancelled).toMatchObject({
    name: 'TransactionCanceledException',
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]',
    CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }],
    // A cancelled transaction is the caller's to retry: the SDK does not.
    $metadata: { httpStatusCode: 400, attempts: 1 },
  });

  const put = await failure(env.layer.db.send(new PutCommand({ TableName: tableName, Item: { ...key('a'), n: 99 } })));
  expect(put).toBeInstanceOf(TransactionConflictException);
  expect(put).toMatchObject({
    name: 'TransactionConflictException',
    message: 'Transaction is ongoing for the item',
    $metadata: { httpStatusCode: 400, attempts: 1 },
  });
  const update = await failure(env.layer.db.send(new UpdateCommand(bump(tableName, 'b').Update)));
  expect(update).toBeInstanceOf(TransactionConflictException);

  const read = await failure(env.layer.db.send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: tableName, Key: key('a') } }] })));
  expect(read).toMatchObject({ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'TransactionConflict' }] });
  // A plain read is not part of any transaction: it sees the last committed value.
  expect(await valueOf('a')).toBe(0);
  // An item the transaction does not hold is free.
  await env.layer.db.send(new TransactWriteCommand({ TransactItems: [bump(tableName, 'c')] }));

  await first.release();
  await env.layer.db.send(new TransactWriteCommand({ TransactItems: [bump(tableName, 'c'), bump(tableName, 'b')] }));
  expect([await valueOf('a'), await valueOf('b'), await valueOf('c')]).toEqual([1, 2, 2]);
  expect(env.layer.proxy.stats).toMatchObject({ transactionConflicts: 2, writeConflicts: 2 });
});

it('answers DynamoDB Local’s own cancellations (a failed condition) unchanged', async () => {
  const { tableName } = env.table;
  const err = await failure(
    env.layer.db.send(
      new TransactWriteCommand({
        TransactItems: [
          bump(tableName, 'd'),
          { ConditionCheck: { TableName: tableName, Key: key('a'), ConditionExpression: 'n > :big', ExpressionAttributeValues: { ':big': 100 } } },
        ],
      }),
    ),
  );
  expect(err).toMatchObject({ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] });
});

it('cancels concurrent transactions on one item as they overlap, and runs exactly the others', async () => {
  const { tableName } = env.table;
  const results = await Promise.allSettled(
    Array.from({ length: 24 }, (_, i) => env.layer.db.send(new TransactWriteCommand({ TransactItems: [bump(tableName, 'hot'), bump(tableName, `own-${i}`)] }))),
  );
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as TransactionCanceledException] : []));
  expect(failed.length).toBeGreaterThan(0);
  for (const err of failed) {
    expect(err).toBeInstanceOf(TransactionCanceledException);
    expect(err.CancellationReasons?.map((r) => r.Code)).toEqual(['TransactionConflict', 'None']);
  }
  // Exactly the transactions that were not cancelled ran.
  expect(await valueOf('hot')).toBe(results.length - failed.length);
});
