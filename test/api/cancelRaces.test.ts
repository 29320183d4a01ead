import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_AWS } from '../../local/dynamodb';
import { CANCEL_ATTEMPTS } from '../../core/orders/cancelOrder';
import { documentClient } from '../../core/store/client';
import { OrderStore } from '../../core/store/orders';
import { orderKey } from '../../core/table';
import { createTestApi, type TestApi } from '../support/api';
import { standIns } from '../support/env';
import { callerRole } from '../support/iam/record';

/**
 * Cancels whose timing is chosen, not hoped for: the app's table client lets the test step in around a command
 * (hold a read until another request has read too, or write first itself), and everything else is real: the
 * app, its store's conditional writes and DynamoDB Local's verdict on them.
 */
type Forward = () => Promise<unknown>;
type StepIn = (command: unknown, forward: Forward) => Promise<unknown>;

let api: TestApi;
let db: DynamoDBDocumentClient;
let stepIn: StepIn | undefined;
let send: (command: unknown) => Promise<unknown>;

beforeAll(async () => {
  db = documentClient({ ...LOCAL_AWS, endpoint: standIns().dynamoEndpoint });
  const original = db.send.bind(db) as (command: unknown) => Promise<unknown>;
  send = original;
  db.send = ((command: unknown) => (stepIn ? stepIn(command, () => original(command)) : original(command))) as typeof db.send;
  api = await createTestApi({ db });
});
afterEach(() => {
  stepIn = undefined;
});
afterAll(async () => {
  await api.close();
  db.destroy();
});

/** The order a command reads or writes, if it is one read or one status change of an order. */
function orderKeyOf(command: unknown): string | undefined {
  if (command instanceof GetCommand || command instanceof UpdateCommand) return command.input.Key?.PK as string | undefined;
  if (command instanceof TransactWriteCommand) return command.input.TransactItems?.[0]?.Update?.Key?.PK as string | undefined;
  return undefined;
}

const placeOrder = async () =>
  (
    await api.http
      .post('/v1/orders')
      .set('Authorization', await api.auth('alice'))
      .send({ items: [{ sku: 'KB-001', quantity: 1 }] })
  ).body.orderId as string;
const cancelIt = async (orderId: string) => api.http.post(`/v1/orders/${orderId}/cancel`).set('Authorization', await api.auth('alice'));

it('lets exactly one of two cancels that both read the order before either wrote win; the other reads again and finds it cancelled', async () => {
  const orderId = await placeOrder();
  // The first read of each request is answered only once both have read: both decide on the same PENDING order.
  let release: () => void = () => undefined;
  const bothRead = new Promise<void>((resolve) => (release = resolve));
  let reads = 0;
  stepIn = async (command, forward) => {
    if (!(command instanceof GetCommand) || orderKeyOf(command) !== orderKey(orderId).PK || reads >= 2) return forward();
    const result = await forward();
    if (++reads === 2) release();
    await bothRead;
    return result;
  };
  const [x, y] = await Promise.all([cancelIt(orderId), cancelIt(orderId)]);
  const [won, lost] = x.status === 200 ? [x, y] : [y, x];
  expect([won.status, lost.status]).toEqual([200, 409]);
  expect(won.body).toMatchObject({ orderId, status: 'CANCELLED', version: 2 });
  // Had the loser kept deciding on its first read, its write would lose every time and it would answer order-busy.
  expect(lost.body).toMatchObject({ type: '/problems/order-not-cancellable', detail: 'The order is CANCELLED.' });
  const stored = await new OrderStore(api.table.db, api.table.tableName).get(orderId);
  expect(stored).toMatchObject({ status: 'CANCELLED', version: 2 });
  expect(stored!.history.map((h) => h.status)).toEqual(['PENDING', 'CANCELLED']);
});

it(`answers 409 order-busy when the order changes under each of the cancel's ${CANCEL_ATTEMPTS} attempts, and writes nothing`, async () => {
  const orderId = await placeOrder();
  let cancelWrites = 0;
  // Another writer gets in between every read and write of the cancel: the order stays PENDING, at a newer version.
  stepIn = async (command, forward) => {
    if (command instanceof GetCommand || orderKeyOf(command) !== orderKey(orderId).PK) return forward();
    cancelWrites++;
    const bump = new UpdateCommand({
      TableName: api.table.tableName,
      Key: orderKey(orderId),
      UpdateExpression: 'SET version = version + :one',
      ExpressionAttributeValues: { ':one': 1 },
    });
    // The other writer is not the API: its write stays out of the API's recorded IAM calls.
    await callerRole.exit(() => send(bump));
    return forward();
  };
  const res = await cancelIt(orderId);
  expect(res.status).toBe(409);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: '/problems/order-busy', status: 409, title: 'Order is changing', instance: `/v1/orders/${orderId}/cancel` });
  expect(cancelWrites).toBe(CANCEL_ATTEMPTS);
  const stored = await new OrderStore(api.table.db, api.table.tableName).get(orderId);
  expect(stored).toMatchObject({ status: 'PENDING', version: 1 + CANCEL_ATTEMPTS });
  expect(stored!.history.map((h) => h.status)).toEqual(['PENDING']);
});
