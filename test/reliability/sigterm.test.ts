import { freePort } from '../../local/process';
import { OrderStore } from '../../core/store/orders';
import { createTestTable, loadTesterToken, standIns, type TestTable } from '../support/env';
import { apiProcessEnv, exited, request, spawnTs, waitFor, type Outcome } from '../support/processes';

/**
 * SIGTERM under load, as ECS sends it: the API process finishes what it accepted, refuses new connections,
 * answers no 5xx from half-finished work, loses no acknowledged order, and exits within the stop timeout.
 */
const SHUTDOWN_TIMEOUT_MS = 5000;
let table: TestTable;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(() => table.drop());

it('drains in-flight requests and exits cleanly on SIGTERM under load', async () => {
  const port = await freePort();
  const api = spawnTs('service/src/main.ts', apiProcessEnv(standIns(), table.tableName, port, { SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) }));
  await waitFor(async () => (await request(port, 'GET', '/v1/health', {})).status === 200, 30_000, 'the API', api);
  // A load tester, as the gate's load: a customer's 16 concurrent orders would meet on their count items.
  const headers = { Authorization: `Bearer ${await loadTesterToken()}`, 'Content-Type': 'application/json' };
  const body = JSON.stringify({ items: [{ sku: 'CB-004', quantity: 1 }] });

  const outcomes: Outcome[] = [];
  const WORKERS = 16;
  /** When each worker's latest request was answered (or refused). */
  const lastAnsweredAt = Array.from({ length: WORKERS }, () => 0);
  let running = true;
  const workers = Array.from({ length: WORKERS }, async (_, worker) => {
    while (running) {
      const outcome = await request(port, 'POST', '/v1/orders', headers, body);
      outcomes.push(outcome);
      lastAnsweredAt[worker] = outcome.at;
    }
  });
  // Under load: well past the orders this test requires accepted before the signal.
  await waitFor(async () => outcomes.filter((o) => o.status === 202).length >= 40, 30_000, 'orders accepted under load', api);
  const termAt = Date.now();
  api.kill('SIGTERM');
  const { code } = await exited(api);
  const exitMs = Date.now() - termAt;
  // What every worker sends once the process is gone must be refused: wait until each has sent something since.
  const exitedAt = termAt + exitMs;
  await waitFor(async () => lastAnsweredAt.every((at) => at > exitedAt), 10_000, 'a request from every worker after the exit');
  running = false;
  await Promise.all(workers);

  const accepted = outcomes.filter((o) => o.status === 202);
  const afterExit = outcomes.filter((o) => o.at > exitedAt);
  expect(code).toBe(0);
  expect(exitMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
  expect(outcomes.filter((o) => (o.status ?? 0) >= 500)).toEqual([]);
  expect(outcomes.filter((o) => o.status !== undefined && o.status !== 202)).toEqual([]);
  // Refused, or reset before the server read the request (a connection still in the accept queue when the
  // listener closed); that nothing reset was half-processed is checked against the table below.
  expect(outcomes.filter((o) => o.error && o.error !== 'ECONNREFUSED' && o.error !== 'ECONNRESET')).toEqual([]);
  expect(afterExit.length).toBeGreaterThan(0);
  expect(afterExit.every((o) => o.error === 'ECONNREFUSED')).toBe(true);
  expect(accepted.length).toBeGreaterThan(20);

  // Nothing half-done: every acknowledged order is stored, and nothing unacknowledged was.
  const store = new OrderStore(table.db, table.tableName);
  const ids = accepted.map((o) => (JSON.parse(o.body!) as { orderId: string }).orderId);
  const stored = await Promise.all(ids.map((id) => store.get(id)));
  expect(stored.every((o) => o?.status === 'PENDING')).toBe(true);
  const orders = (await table.snapshot()).filter((i) => i.entityType === 'Order');
  expect(orders).toHaveLength(accepted.length);
  console.log(`sigterm: ${outcomes.length} requests, ${accepted.length} accepted, ${outcomes.length - accepted.length} refused; exit in ${exitMs} ms`);
}, 90_000);
