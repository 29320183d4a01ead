import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import pino from 'pino';
import { LOCAL_AWS, startDynamoDbLocal, type LocalDynamo } from '../../local/dynamodb';
import { freePort } from '../../local/process';
import { localProcessor } from '../../local/processor';
import { PollerState } from '../../local/poller/state';
import { ensureTable, seedCatalog } from '../../local/table';
import { DEMO_CATALOG } from '../../core/domain/product';
import { ENTITY } from '../../core/table';
import { createApp } from '../../service/src/app';
import { localCognitoVerifier } from '../../service/src/auth/verifier';
import { trustOf } from '../../local/cognito';
import { documentClient } from '../../core/store/client';
import { listen } from '../../service/src/server';
import { scanTable, standIns, tokenFor, type TestTable } from '../support/env';
import { checkInvariants } from '../support/invariants';
import { eventually, startTestPoller } from '../support/pipeline';
import { responseContract } from '../support/responseContract';
import { request, type Outcome } from '../support/processes';
import { scratchDir } from '../support/scratch';

const dataDir = scratchDir('orders-outage');

/**
 * DynamoDB Local stopped and restarted (same port, same data dir) under load: while it is down the API answers
 * 503 with Retry-After, never a 500; it recovers by itself; nothing acknowledged is lost and the processor
 * catches up with every invariant intact.
 */
it('answers 503 while the store is down, recovers without a restart, and loses nothing', async () => {
  const port = await freePort();
  let dynamo: LocalDynamo = await startDynamoDbLocal({ port, dataDir });
  const endpoint = dynamo.endpoint;
  const tableName = 'orders-outage';
  const admin = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  const { streamArn } = await ensureTable(admin, tableName);
  await PollerState.ensureTable(admin, `${tableName}-state`);
  admin.destroy();
  const db = documentClient({ ...LOCAL_AWS, endpoint, maxAttempts: 2 });
  await seedCatalog(db, tableName);
  const initial = new Map(DEMO_CATALOG.map((p) => [p.sku, p.stock]));

  const { pool } = standIns();
  const app = createApp({
    db,
    tableName,
    verifier: localCognitoVerifier(trustOf(pool)),
    logger: pino({ level: 'silent' }),
  });
  // Every answer during the outage, 202 or 503, as the document publishes it.
  const contract = responseContract();
  app.middleware.unshift(contract.middleware);
  const server = await listen(app, { port: 0, host: '127.0.0.1', shutdownTimeoutMs: 2000, logger: pino({ level: 'silent' }), state: { shuttingDown: false } });
  const table = { tableName, streamArn, db } as TestTable;
  const pipeline = await startTestPoller(table, localProcessor({ db, tableName, logLevel: 'SILENT' }), { stateTable: `${tableName}-state`, endpoint });

  const headers = { Authorization: `Bearer ${await tokenFor('alice')}`, 'Content-Type': 'application/json' };
  const body = JSON.stringify({ items: [{ sku: 'CB-004', quantity: 1 }] });
  const outcomes: Outcome[] = [];
  let running = true;
  // As a client told Retry-After does: an order keeps its Idempotency-Key through its 503s, so a write that
  // landed while the store went down is replayed to the client (same order id) instead of left unacknowledged.
  const workers = Array.from({ length: 4 }, async (_, worker) => {
    for (let n = 0; running; n++) {
      const keyed = { ...headers, 'Idempotency-Key': `outage-${worker}-${n}` };
      for (let tries = 1; ; tries++) {
        const outcome = await request(server.port, 'POST', '/v1/orders', keyed, body);
        outcomes.push(outcome);
        await new Promise((r) => setTimeout(r, 10)); // pacing: four clients, not a flood
        if (outcome.status !== 503 || (!running && tries >= 100)) break;
      }
    }
  });
  try {
    // Each phase lasts until what it is for has happened (not a fixed time: a busy runner is slower).
    await eventually(async () => outcomes.filter((o) => o.status === 202).length >= 10, 30_000, 'orders accepted before the outage');
    const downAt = Date.now();
    await dynamo.stop();
    await eventually(async () => outcomes.filter((o) => o.at > downAt + 500).length >= 5, 30_000, 'requests during the outage');
    dynamo = await startDynamoDbLocal({ port, dataDir });
    const upAt = Date.now();
    await eventually(async () => outcomes.filter((o) => o.at > upAt + 1000).length > 10, 60_000, 'requests after the store is back');
    running = false;
    await Promise.all(workers);

    const during = outcomes.filter((o) => o.at > downAt + 500 && o.at < upAt);
    const after = outcomes.filter((o) => o.at > upAt + 1000);
    expect(outcomes.filter((o) => o.error)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 500)).toEqual([]);
    expect(outcomes.every((o) => o.status === 202 || o.status === 503)).toBe(true);
    expect(contract.violations).toEqual([]);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((o) => o.status === 503 && o.retryAfter === '1')).toBe(true);
    expect(after.length).toBeGreaterThan(10);
    expect(after.every((o) => o.status === 202)).toBe(true);

    // Every acknowledged order survived the restart and gets decided.
    const ids = outcomes.filter((o) => o.status === 202).map((o) => (JSON.parse(o.body!) as { orderId: string }).orderId);
    expect(new Set(ids).size).toBe(ids.length);
    const report = await eventually(
      async () => {
        const r = await checkInvariants(db, tableName, initial, await pipeline.state.deadLetters());
        if (process.env.DEBUG_OUTAGE) console.log(JSON.stringify({ byStatus: r.byStatus, v: r.violations.slice(0, 3), stats: pipeline.poller.stats }));
        return r.violations.length === 0 && r;
      },
      60_000,
      'every order decided with invariants intact',
    );
    // The table holds exactly the acknowledged orders: a count would not see one lost and another written unasked.
    const stored = new Set((await scanTable(db, tableName)).filter((i) => i.entityType === ENTITY.order).map((i) => String(i.orderId)));
    const acknowledgedIds = new Set(ids);
    expect({ lost: ids.filter((id) => !stored.has(id)), unacknowledged: [...stored].filter((id) => !acknowledgedIds.has(id)) }).toEqual({
      lost: [],
      unacknowledged: [],
    });
    expect(report.orders).toBe(ids.length);
    console.log(
      `store outage: ${outcomes.length} requests (${ids.length} accepted, ${outcomes.filter((o) => o.status === 503).length} × 503); ${JSON.stringify(report.byStatus)}`,
    );
  } finally {
    running = false;
    await pipeline.stop();
    await server.shutdown();
    db.destroy();
    await dynamo.stop();
  }
}, 120_000);
