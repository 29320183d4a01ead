import { IdempotentParameterMismatchException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TOKEN_WINDOW_MS } from '../../local/contention/tokens';
import { failure, manualClock, tableBehindLayer } from './layer';

/**
 * TransactWriteItems' ClientRequestToken through the real SDK client: the same request with the same token within
 * 10 minutes succeeds without running again; the token with another request is IdempotentParameterMismatchException.
 */
const clock = manualClock();
const env = tableBehindLayer({ now: clock.now });

const key = { PK: 'COUNTER#token', SK: 'COUNTER' };
const bump = (by: number, ClientRequestToken: string) =>
  new TransactWriteCommand({
    ClientRequestToken,
    TransactItems: [{ Update: { TableName: env.table.tableName, Key: key, UpdateExpression: 'ADD n :by', ExpressionAttributeValues: { ':by': by } } }],
  });
const value = async () =>
  (await env.table.db.send(new GetCommand({ TableName: env.table.tableName, Key: key, ConsistentRead: true }))).Item?.n as number | undefined;

it('runs a request once per token, refuses the token for another request, and forgets it after 10 minutes', async () => {
  await env.layer.once.send(bump(1, 'token-1'));
  await env.layer.once.send(bump(1, 'token-1'));
  expect(await value()).toBe(1);
  expect(env.layer.proxy.stats.replayed).toBe(1);

  const mismatch = await failure(env.layer.once.send(bump(5, 'token-1')));
  expect(mismatch).toBeInstanceOf(IdempotentParameterMismatchException);
  expect(mismatch).toMatchObject({ name: 'IdempotentParameterMismatchException', $metadata: { httpStatusCode: 400 } });
  expect(await value()).toBe(1);

  // Another token is another request.
  await env.layer.once.send(bump(1, 'token-2'));
  expect(await value()).toBe(2);

  clock.advance(TOKEN_WINDOW_MS - 1);
  await env.layer.once.send(bump(1, 'token-1'));
  expect(await value()).toBe(2);
  clock.advance(2);
  await env.layer.once.send(bump(1, 'token-1'));
  expect(await value()).toBe(3);
});

it('does not hold the token of a cancelled transaction: sent again, it runs', async () => {
  const guarded = (ClientRequestToken: string, floor: number) =>
    new TransactWriteCommand({
      ClientRequestToken,
      TransactItems: [
        {
          Update: {
            TableName: env.table.tableName,
            Key: key,
            UpdateExpression: 'ADD n :one',
            ConditionExpression: 'n >= :floor',
            ExpressionAttributeValues: { ':one': 1, ':floor': floor },
          },
        },
      ],
    });
  const before = (await value()) ?? 0;
  await expect(env.layer.once.send(guarded('token-3', before + 1))).rejects.toMatchObject({ name: 'TransactionCanceledException' });
  await expect(env.layer.once.send(guarded('token-3', before + 1))).rejects.toMatchObject({ name: 'TransactionCanceledException' });
  expect(await value()).toBe(before);
});

it('gives every call of the SDK a token of its own, so separate calls of one request both run', async () => {
  const before = (await value()) ?? 0;
  const unnamed = () =>
    new TransactWriteCommand({
      TransactItems: [{ Update: { TableName: env.table.tableName, Key: key, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } } }],
    });
  await env.layer.once.send(unnamed());
  await env.layer.once.send(unnamed());
  expect(await value()).toBe(before + 2);
});
