import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactGetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createTestTable, type TestTable } from '../support/env';
import { startTestLayer, type TestLayer } from './layer';

/**
 * Transaction conflicts as DynamoDB answers them, through the real SDK client: DynamoDB Local serialises
 * transactions and never conflicts, the contention layer in front of it (local/contention) does.
 */
let table: TestTable;
let layer: TestLayer;

beforeAll(async () => {
  table = await createTestTable({ seed: false });
  layer = await startTestLayer({ maxHoldMs: Infinity });
});
afterAll(async () => {
  await layer?.close();
  await table?.drop();
});

const key = (name: string) => ({ PK: `COUNTER#${name}`, SK: 'COUNTER' });
const bump = (tableName: string, name: string) => ({
  Update: { TableName: tableName, Key: key(name), UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } },
});
const valueOf = async (name: string) =>
  ((await table.db.send(new GetCommand({ TableName: table.tableName, Key: key(name), ConsistentRead: true }))).Item?.n ?? 0) as number;
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err as Record<string, unknown> & Error,
  );

it('cancels a transaction that overlaps one in flight, with one reason per item, and refuses single writes to its items', async () => {
  const { tableName } = table;
  const hold = layer.holdNextTransaction();
  const first = layer.db.send(new TransactWriteCommand({ TransactItems: [bump(tableName, 'a'), bump(tableName, 'b')] }));
  await hold.entered;

  const cancelled = await failure(layer.db.send(new TransactWriteCommand({ TransactItems: [bump(tableName, 'c'), bump(tableName, 'b')] })));
  expect(cancelled).toBeInstanceOf(TransactionCanceledException);
  expect(cancelled).toMatchObject({
    name: 'TransactionCanceledException',
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]',
    CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }],
    // A cancelled transaction is the caller's to retry: the SDK does not.
    $metadata: { httpStatusCode: 400, attempts: 1 },
  });

  const put = await failure(layer.db.send(new PutCommand({ TableName: tableName, Item: { ...key('a'), n: 99 } })));
  expect(put).toBeInstanceOf(TransactionConflictException);
  expect(put).toMatchObject({
    name: 'TransactionConflictException',
    message: 'Transaction is ongoing for the item',
    $metadata: { httpStatusCode: 400, attempts: 1 },
  });
  const update = await failure(layer.db.send(new UpdateCommand(bump(tableName, 'b').Update)));
  expect(update).toBeInstanceOf(TransactionConflictException);

  const read = await failure(layer.db.send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: tableName, Key: key('a') } }] })));
  expect(read).toMatchObject({ name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'TransactionConflict' }] });
  // A plain read is not part of any transaction: it sees the last committed value.
  expect(await valueOf('a')).toBe(0);
  // An item the transaction does not hold is free.
  await layer.db.send(new TransactWriteCommand({ TransactItems: [bump(tableName, 'c')] }));

  hold.release();
  await first;
  await layer.db.send(new TransactWriteCommand({ TransactItems: [bump(tableName, 'c'), bump(tableName, 'b')] }));
  expect([await valueOf('a'), await valueOf('b'), await valueOf('c')]).toEqual([1, 2, 2]);
  expect(layer.proxy.stats).toMatchObject({ transactionConflicts: 2, writeConflicts: 2 });
});

it('answers DynamoDB Local’s own cancellations (a failed condition) unchanged', async () => {
  const { tableName } = table;
  const err = await failure(
    layer.db.send(
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
  const { tableName } = table;
  const results = await Promise.allSettled(
    Array.from({ length: 24 }, (_, i) => layer.db.send(new TransactWriteCommand({ TransactItems: [bump(tableName, 'hot'), bump(tableName, `own-${i}`)] }))),
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
