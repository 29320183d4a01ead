import { ProvisionedThroughputExceededException, ThrottlingException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { tableArn } from '../../local/contention/wire';
import { failure, manualClock, startTestLayer, tableBehindLayer } from './layer';

/**
 * DynamoDB's per-partition ceiling (1,000 write and 3,000 read units a second) through the real SDK client. The
 * layer's clock stands still, so the second never ends until the test moves it; large items reach the ceiling in
 * a few requests (a write unit per KB, a strongly consistent read unit per 4 KB).
 */
const clock = manualClock();
const env = tableBehindLayer({ now: clock.now });

const BIG = 'x'.repeat(350 * 1024); // 350 write units, 88 consistent read units
const item = (pk: string, sk: string) => ({ PK: pk, SK: sk, blob: BIG });

it('throttles writes to a partition past 1,000 units a second as ProvisionedThroughputExceededException, which the SDK retries', async () => {
  const { tableName } = env.table;
  for (let i = 0; i < 3; i++) await env.layer.once.send(new PutCommand({ TableName: tableName, Item: item('HOT#w', `S#${i}`) }));

  const once = await failure(env.layer.once.send(new PutCommand({ TableName: tableName, Item: { PK: 'HOT#w', SK: 'small' } })));
  expect(once).toBeInstanceOf(ProvisionedThroughputExceededException);
  expect(once).toMatchObject({
    name: 'ProvisionedThroughputExceededException',
    ThrottlingReasons: [{ reason: 'TableWriteKeyRangeThroughputExceeded', resource: tableArn(tableName) }],
    $metadata: { httpStatusCode: 400 },
  });
  // The product's client (maxAttempts 3) treats it as throttling and tries again, here in vain: the clock stands still.
  const retried = await failure(env.layer.db.send(new PutCommand({ TableName: tableName, Item: { PK: 'HOT#w', SK: 'small' } })));
  expect(retried).toMatchObject({ name: 'ProvisionedThroughputExceededException', $metadata: { attempts: 3 } });

  // Other partitions are not held back; a transaction touching the hot one is cancelled for it, item by item.
  await env.layer.once.send(new PutCommand({ TableName: tableName, Item: { PK: 'COOL', SK: 'small' } }));
  const transaction = await failure(
    env.layer.once.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: tableName, Item: { PK: 'COOL', SK: 't' } } }, { Put: { TableName: tableName, Item: { PK: 'HOT#w', SK: 't' } } }],
      }),
    ),
  );
  expect(transaction).toBeInstanceOf(TransactionCanceledException);
  expect(transaction).toMatchObject({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ThrottlingError]',
    CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }],
  });

  clock.advance(1001);
  await env.layer.once.send(new PutCommand({ TableName: tableName, Item: { PK: 'HOT#w', SK: 'small' } }));
});

it('throttles reads past 3,000 units a second, for GetItem and for a Query of that partition', async () => {
  const { tableName } = env.table;
  await env.layer.once.send(new PutCommand({ TableName: tableName, Item: item('HOT#r', 'S') }));
  clock.advance(1001);
  const get = () => env.layer.once.send(new GetCommand({ TableName: tableName, Key: { PK: 'HOT#r', SK: 'S' }, ConsistentRead: true }));
  let reads = 0;
  let refused: (Error & Record<string, unknown>) | undefined;
  while (!refused && reads < 100) {
    refused = await failure(get());
    if (!refused) reads++;
  }
  // 350 KB read consistently is 88 units: the 35th read passes 3,000.
  expect(reads).toBe(35);
  expect(refused).toMatchObject({ name: 'ProvisionedThroughputExceededException', ThrottlingReasons: [{ reason: 'TableReadKeyRangeThroughputExceeded' }] });
  const query = await failure(
    env.layer.once.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'PK' },
        ExpressionAttributeValues: { ':pk': 'HOT#r' },
      }),
    ),
  );
  expect(query).toBeInstanceOf(ProvisionedThroughputExceededException);
  clock.advance(1001);
  expect((await get()).Item?.SK).toBe('S');
});

it('answers in ThrottlingException’s shape when set to, which the SDK parses and retries as throttling too', async () => {
  const other = await startTestLayer({ now: clock.now, throttleShape: 'ThrottlingException' });
  try {
    const { tableName } = env.table;
    for (let i = 0; i < 3; i++) await other.once.send(new PutCommand({ TableName: tableName, Item: item('HOT#t', `S#${i}`) }));
    const err = await failure(other.db.send(new PutCommand({ TableName: tableName, Item: { PK: 'HOT#t', SK: 'small' } })));
    expect(err).toBeInstanceOf(ThrottlingException);
    expect(err).toMatchObject({
      name: 'ThrottlingException',
      throttlingReasons: [{ reason: 'TableWriteKeyRangeThroughputExceeded', resource: tableArn(tableName) }],
      $metadata: { httpStatusCode: 400, attempts: 3 },
    });
  } finally {
    await other.close();
  }
});
