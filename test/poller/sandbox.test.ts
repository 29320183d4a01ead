import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import pino from 'pino';
import { orderProcessorMapping } from '../../core/eventSourceMapping';
import { LOCAL_AWS } from '../../local/dynamodb';
import { StreamPoller } from '../../local/poller/poller';
import type { RawOutcome } from '../../local/poller/invocation';
import { processorSandbox } from '../../local/poller/processorSandbox';
import { SandboxPool } from '../../local/poller/sandbox';
import { PollerState } from '../../local/poller/state';
import { createTestApi } from '../support/api';
import { createTestTable, standIns, type TestTable } from '../support/env';
import { eventually, storesOf } from '../support/pipeline';
import { ids, writeOrders } from '../support/streamScript';
import { lateKey, retryKey } from './fixtures/lateWriter';

/**
 * A handler run in sandboxes (worker threads) on DynamoDB Local's real stream: a timed-out invocation's sandbox is
 * stopped before its retry starts, as Lambda stops the execution environment, so a late handler cannot write
 * after its retry and an order's changes stay in order.
 */
describe('a sandboxed handler on the real stream', () => {
  let table: TestTable;
  let poller: StreamPoller | undefined;
  let streams: DynamoDBStreamsClient | undefined;

  beforeEach(async () => {
    table = await createTestTable({ seed: false });
  });
  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
    streams?.destroy();
    await table.drop();
  });

  async function startSandboxedPoller(exportName: string, functionTimeoutMs: number) {
    const { dynamoEndpoint } = standIns();
    const stateTable = `poller-${table.tableName}`;
    const admin = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamoEndpoint });
    await PollerState.ensureTable(admin, stateTable);
    admin.destroy();
    streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: dynamoEndpoint });
    const lines: Array<{ msg: string }> = [];
    poller = new StreamPoller({
      streams,
      streamArn: table.streamArn,
      handler: {
        module: path.join(__dirname, 'fixtures', 'lateWriter.ts'),
        export: exportName,
        options: { endpoint: dynamoEndpoint, tableName: table.tableName },
      },
      settings: { ...orderProcessorMapping, bisectBatchOnFunctionError: false },
      state: new PollerState(table.db, stateTable),
      logger: pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
      functionTimeoutMs,
      pollIntervalMs: 50,
      discoveryIntervalMs: 200,
      retryDelayMs: () => 20,
    });
    poller.start();
    return { lines };
  }

  const item = async (key: { PK: string; SK: string }) =>
    (await table.db.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }))).Item;

  it('stops a timed-out handler before its retry starts: it never writes after the retry', async () => {
    const { lines } = await startSandboxedPoller('lateWriter', 1500);
    const [orderId] = ids('late', 1) as [string];
    await writeOrders(table, [orderId]);
    await eventually(() => item(retryKey(orderId)), 20_000, "the retry's write");
    // Either the first attempt's sandbox was stopped (before the retry began), or its late write shows up.
    await eventually(
      async () => (await item(lateKey(orderId))) ?? lines.find((l) => /timed out; its sandbox was stopped/.test(l.msg)),
      20_000,
      'the late handler',
    );
    expect(await item(lateKey(orderId))).toBeUndefined();
    expect(poller!.stats).toMatchObject({ invocations: 2, recordsDelivered: 1, recordsDeadLettered: 0 });
  });
});

describe('SandboxPool', () => {
  const fixture = path.join(__dirname, 'fixtures', 'sandboxed.ts');
  const meta = { functionName: 'f', functionArn: 'arn:f', awsRequestId: 'r', deadline: 0 };
  const event = JSON.stringify({ Records: [{ eventName: 'INSERT' }] });
  const pools: SandboxPool[] = [];
  const pool = (exportName: string, options?: unknown) => {
    const created = new SandboxPool({ module: fixture, export: exportName, options }, pino({ level: 'silent' }));
    pools.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });
  const response = (outcome: RawOutcome) => (outcome.kind === 'returned' ? JSON.parse(outcome.responseJson!) : outcome);

  it('builds the handler once per sandbox, reuses the sandbox, and gives the handler its remaining time', async () => {
    const counting = pool('counting');
    expect(response(await counting.invoke(event, meta, 5000))).toMatchObject({ inits: 1, calls: 1 });
    const second = response(await counting.invoke(event, meta, 5000));
    expect(second).toMatchObject({ inits: 1, calls: 2 });
    expect(second.remaining).toBeGreaterThan(4000);
    expect(second.remaining).toBeLessThanOrEqual(5000);
  });

  it('stops a sandbox whose invocation times out before reporting it, and starts a fresh one for the next', async () => {
    const counter = new SharedArrayBuffer(4);
    const ticks = new Int32Array(counter);
    const ticking = pool('ticking', { counter });
    expect(await ticking.invoke(event, meta, 300)).toEqual({ kind: 'error', error: 'Task timed out after 0.30 seconds' });
    const atTimeout = Atomics.load(ticks, 0);
    expect(atTimeout).toBeGreaterThan(0);
    // Another sandbox's init and invocation take a while; the stopped handler counts no further meanwhile.
    expect(await pool('counting').invoke(event, meta, 200)).toMatchObject({ kind: 'returned' });
    expect(Atomics.load(ticks, 0)).toBe(atTimeout);
    expect(response(await ticking.invoke(event, meta, 300))).toEqual({ kind: 'error', error: 'Task timed out after 0.30 seconds' });
  });

  it('reports what the handler threw, a response that does not serialise, a crash and a failed init as function errors', async () => {
    expect(await pool('throwing').invoke(event, meta, 5000)).toEqual({ kind: 'error', error: 'boom' });
    expect(await pool('unserialisable').invoke(event, meta, 5000)).toEqual({ kind: 'error', error: 'Unable to stringify response body' });
    const exiting = pool('exiting');
    expect(await exiting.invoke(event, meta, 5000)).toMatchObject({ kind: 'error', error: expect.stringMatching(/^Runtime\.ExitError/) });
    expect(await exiting.invoke(event, meta, 5000)).toMatchObject({ kind: 'error', error: expect.stringMatching(/^Runtime\.ExitError/) });
    expect(await pool('failingInit').invoke(event, meta, 5000)).toEqual({ kind: 'error', error: 'Runtime.InitError: no configuration' });
    expect(await pool('missing').invoke(event, meta, 5000)).toMatchObject({ kind: 'error', error: expect.stringMatching(/exports no function missing/) });
  });
});

describe('the real processor in a sandbox', () => {
  it('decides an order placed through the API', async () => {
    const api = await createTestApi();
    const { dynamoEndpoint } = standIns();
    const stateTable = `poller-${api.table.tableName}`;
    const admin = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamoEndpoint });
    await PollerState.ensureTable(admin, stateTable);
    admin.destroy();
    const streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: dynamoEndpoint });
    const poller = new StreamPoller({
      streams,
      streamArn: api.table.streamArn,
      handler: processorSandbox({ endpoint: dynamoEndpoint, tableName: api.table.tableName, logLevel: 'SILENT' }),
      settings: orderProcessorMapping,
      state: new PollerState(api.table.db, stateTable),
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 50,
      discoveryIntervalMs: 200,
    });
    poller.start();
    try {
      const placed = await api.http
        .post('/v1/orders')
        .set('Authorization', await api.auth('alice'))
        .send({ items: [{ sku: 'KB-001', quantity: 1 }] });
      expect(placed.status).toBe(202);
      const orderId = placed.body.orderId as string;
      const decided = await eventually(
        async () => {
          const order = await storesOf(api.table).orders.get(orderId);
          return order?.status === 'CONFIRMED' && order;
        },
        30_000,
        'the order confirmed',
      );
      expect(decided.stockState).toBe('RESERVED');
    } finally {
      await poller.stop();
      streams.destroy();
      await api.close();
    }
  });
});
