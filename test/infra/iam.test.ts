import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { localProcessor } from '../../local/processor';
import { iamRequests } from '../support/iam/actions';
import { checkMustDeny, checkRecordedCalls, describeFinding, stackPolicies, type StackPolicies } from '../support/iam/contract';
import { callerRole, recordedCalls, takeRecordedCalls } from '../support/iam/record';
import { createTestApi, type TestApi } from '../support/api';
import { eventually, startTestPoller, type TestPoller } from '../support/pipeline';

/**
 * Least privilege, proven by an IAM policy evaluator against the policies the Pulumi program writes for each
 * stack: the calls this file makes the API and the processor perform are allowed, the calls that must never be
 * are denied, and a call outside the policy is caught and named. (The same check runs over every test file's
 * calls when the whole suite ends: test/support/globalTeardown.ts.)
 */
let stacks: StackPolicies[];
let api: TestApi;
let poller: TestPoller;
beforeAll(async () => {
  [stacks, api] = await Promise.all([stackPolicies(), createTestApi()]);
  poller = await startTestPoller(api.table, localProcessor({ db: api.table.db, tableName: api.table.tableName, logLevel: 'SILENT' }));
}, 90_000);
afterAll(async () => {
  await poller?.stop();
  await api?.close();
});

describe('the IAM contract', () => {
  it('allows every call a whole order lifecycle makes, on every stack', async () => {
    const alice = await api.auth('alice');
    const admin = await api.auth('admin');
    await api.http.get('/v1/health/ready').expect(200);
    await api.http.get('/v1/products').set('Authorization', alice).expect(200);
    await api.http.put('/v1/products/IAM-001').set('Authorization', admin).send({ name: 'IAM item', price: 100, currency: 'EUR', stock: 5 }).expect(201);
    const created = await api.http
      .post('/v1/orders')
      .set('Authorization', alice)
      .set('Idempotency-Key', 'iam-1')
      .send({ items: [{ sku: 'IAM-001', quantity: 2 }] })
      .expect(202);
    await api.http
      .post('/v1/orders')
      .set('Authorization', alice)
      .set('Idempotency-Key', 'iam-1')
      .send({ items: [{ sku: 'IAM-001', quantity: 2 }] })
      .expect(202);
    const orderId = created.body.orderId as string;
    await eventually(async () => (await api.http.get(`/v1/orders/${orderId}`).set('Authorization', alice)).body.status === 'CONFIRMED', 20_000, 'CONFIRMED');
    await api.http.get('/v1/orders?limit=5').set('Authorization', alice).expect(200);
    await api.http.post(`/v1/orders/${orderId}/cancel`).set('Authorization', alice).send({}).expect(200);
    await eventually(async () => (await api.table.snapshot()).find((i) => i.orderId === orderId && i.stockState === 'RELEASED'), 20_000, 'stock released');
    const short = await api.http
      .post('/v1/orders')
      .set('Authorization', alice)
      .send({ items: [{ sku: 'IAM-001', quantity: 50 }] })
      .expect(202);
    await eventually(
      async () => (await api.http.get(`/v1/orders/${short.body.orderId as string}`).set('Authorization', alice)).body.status === 'REJECTED',
      20_000,
      'REJECTED',
    );

    const calls = recordedCalls();
    const seen = (role: string) => [...new Set(calls.filter((c) => c.role === role).map((c) => `${c.action}${c.index ? ` (index ${c.index})` : ''}`))].sort();
    expect(seen('api')).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query (index GSI1)', 'dynamodb:UpdateItem']));
    expect(seen('processor')).toEqual(expect.arrayContaining(['dynamodb:UpdateItem']));
    expect((await checkRecordedCalls(calls, stacks)).map(describeFinding)).toEqual([]);
  }, 90_000);

  it('denies, on every stack, what neither role may ever do', async () => {
    expect((await checkMustDeny(stacks)).map(describeFinding)).toEqual([]);
  });

  it('catches a call the code makes without its permission, naming the call and the role', async () => {
    await callerRole.run('api', () => api.table.db.send(new ScanCommand({ TableName: api.table.tableName, Limit: 1 })));
    const provoked = takeRecordedCalls((c) => c.action === 'dynamodb:Scan');
    expect(provoked).toHaveLength(1);
    const findings = (await checkRecordedCalls(provoked, stacks)).map(describeFinding);
    expect(findings).toEqual(stacks.map((s) => `${s.stack}: the api role may not dynamodb:Scan on ${s.tableArn} (ImplicitlyDenied; Scan in iam.test.ts)`));
  });

  it('the evaluator is not a rubber stamp: a policy widened to dynamodb:* allows the scan', async () => {
    const widened = stacks.map((s) => ({
      ...s,
      roles: {
        ...s.roles,
        api: { ...s.roles.api, policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: s.tableArn }] } },
      },
    }));
    expect((await checkMustDeny(widened)).filter((f) => f.role === 'api').map((f) => f.action)).toEqual(
      expect.arrayContaining(['dynamodb:Scan', 'dynamodb:DeleteTable']),
    );
  });
});

describe('SDK commands as IAM actions', () => {
  it('splits a TransactWriteItems into one action per item, and names an index', () => {
    expect(
      iamRequests('TransactWriteCommand', {
        TransactItems: [{ Update: { TableName: 't' } }, { ConditionCheck: { TableName: 't' } }, { Put: { TableName: 'u' } }, { Delete: { TableName: 't' } }],
      }),
    ).toEqual([
      { action: 'dynamodb:UpdateItem', table: 't' },
      { action: 'dynamodb:ConditionCheckItem', table: 't' },
      { action: 'dynamodb:PutItem', table: 'u' },
      { action: 'dynamodb:DeleteItem', table: 't' },
    ]);
    expect(iamRequests('QueryCommand', { TableName: 't', IndexName: 'GSI1' })).toEqual([{ action: 'dynamodb:Query', table: 't', index: 'GSI1' }]);
    expect(iamRequests('BatchGetCommand', { RequestItems: { t: {}, u: {} } })).toEqual([
      { action: 'dynamodb:BatchGetItem', table: 't' },
      { action: 'dynamodb:BatchGetItem', table: 'u' },
    ]);
    expect(iamRequests('PutItemCommand', { TableName: 't' })).toEqual([{ action: 'dynamodb:PutItem', table: 't' }]);
  });
});
