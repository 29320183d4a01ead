import { DEMO_CATALOG } from '../../core/domain/product';
import { DEMO_PASSWORD } from '../../core/userpool';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ensureLoadTestUser } from '../../loadtest/setup/bootstrap';
import { findUserPool, signIn } from '../../local/cognito';
import { LOCAL_AWS } from '../../local/dynamodb';
import { PollerState, pollerStateTableName } from '../../local/poller/state';
import { freePort } from '../../local/process';
import { documentClient } from '../../core/store/client';
import { checkInvariants } from '../support/invariants';
import { exited, request, spawnTs, waitFor } from '../support/processes';
import { scratchDir } from '../support/scratch';

/**
 * The whole local stack (`npm start` with a data dir: API, poller, processor, stand-ins) killed with SIGKILL
 * while the processor is mid-backlog with four lanes per shard in flight (main's ParallelizationFactor), then
 * started again: the poller resumes from its checkpoint and every order ends decided, with stock exactly
 * accounted for.
 */
const ORDERS = Number(process.env.CHAOS_ORDERS ?? 200);

const dataDir = scratchDir('orders-restart');

it(`survives a SIGKILL mid-processing of ${ORDERS} orders and resumes from its checkpoint`, async () => {
  const [apiPort, dynamoPort, cognitoPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    PORT: String(apiPort),
    DYNAMODB_PORT: String(dynamoPort),
    COGNITO_PORT: String(cognitoPort),
    DATA_DIR: dataDir,
    TABLE_NAME: 'orders-restart',
    PARALLELIZATION_FACTOR: '4',
    // One customer places every order here: the per-customer limits would stop the load, not the test's subject.
    LIMIT_OPEN_ORDERS: String(ORDERS),
    LIMIT_ORDERS_PER_MINUTE: String(ORDERS),
  };
  const start = () => {
    const stack = spawnTs('local/start.ts', env);
    return waitFor(async () => stack.output().includes('Ctrl-C stops everything'), 90_000, 'npm start', stack).then(() => stack);
  };
  const db = documentClient({ ...LOCAL_AWS, endpoint: `http://127.0.0.1:${dynamoPort}`, maxAttempts: 1 });
  const initial = new Map(DEMO_CATALOG.map((p) => [p.sku, p.stock]));
  const decided = async () => {
    const report = await checkInvariants(db, env.TABLE_NAME, initial);
    return report.orders - (report.byStatus.PENDING ?? 0);
  };

  let stack = await start();
  try {
    expect(stack.output()).toContain('stream poller, 4 lane(s) per shard');
    const cognito = `http://127.0.0.1:${cognitoPort}`;
    const pool = (await findUserPool(cognito))!;
    // A load tester, as the gate's load: 200 orders of one customer would all meet on that customer's count item
    // (past any stack's open-order limit, and contended as in AWS through the contention layer).
    const tester = { username: 'restart-load@example.com', password: DEMO_PASSWORD };
    const admin = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: cognito });
    await ensureLoadTestUser(admin, { userPoolId: pool.userPoolId, clientId: pool.clientIds.loadTest }, tester).finally(() => admin.destroy());
    const token = (await signIn(cognito, pool.clientIds.loadTest, tester.username, tester.password)).accessToken;
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const skus = ['CB-004', 'MS-002', 'HS-005', 'KB-001'];
    let accepted = 0;
    for (let i = 0; i < ORDERS; i += 20) {
      const wave = await Promise.all(
        Array.from({ length: Math.min(20, ORDERS - i) }, (_, k) =>
          request(apiPort, 'POST', '/v1/orders', headers, JSON.stringify({ items: [{ sku: skus[(i + k) % skus.length], quantity: 1 + ((i + k) % 3) }] })),
        ),
      );
      accepted += wave.filter((o) => o.status === 202).length;
    }
    expect(accepted).toBe(ORDERS);

    // Kill everything while the backlog is being worked through.
    await waitFor(async () => (await decided()) >= Math.min(10, ORDERS / 10), 60_000, 'processing to start', stack);
    const before = await decided();
    stack.kill('SIGKILL');
    await exited(stack);
    expect(before).toBeLessThan(ORDERS);
    await waitFor(async () => (await request(dynamoPort, 'GET', '/', {})).error === 'ECONNREFUSED', 15_000, 'the stand-ins to stop with their parent');

    stack = await start();
    await waitFor(async () => (await decided()) === ORDERS, 120_000, 'every order to be decided after the restart', stack);
    const state = new PollerState(db, pollerStateTableName(env.TABLE_NAME));
    const report = await checkInvariants(db, env.TABLE_NAME, initial, await state.deadLetters());
    expect(report.violations).toEqual([]);
    expect(report.orders).toBe(ORDERS);
    expect(await state.deadLetters()).toEqual([]);
    console.log(`restart: ${ORDERS} orders, killed after ${before} decided; after restart ${JSON.stringify(report.byStatus)}`);
  } finally {
    stack.kill('SIGINT');
    await exited(stack);
    db.destroy();
  }
}, 300_000);
