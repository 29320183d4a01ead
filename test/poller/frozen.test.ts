import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import pino from 'pino';
import { orderProcessorMapping } from '../../core/eventSourceMapping';
import { LOCAL_AWS } from '../../local/dynamodb';
import { StreamPoller } from '../../local/poller/poller';
import { PollerState } from '../../local/poller/state';
import { createTestTable, standIns, type TestTable } from '../support/env';
import { eventually } from '../support/pipeline';
import { ids, writeOrders } from '../support/streamScript';
import { lateAttempts, lateKey, lateWriter, retryKey } from './fixtures/lateWriter';

/**
 * A handler run in the poller's own process, as `npm start` runs the processor, that times out once and would write
 * after its retry has started. Lambda freezes a timed-out environment; here its client is frozen instead
 * (local/poller/frozen.ts): its late calls are refused, so the order's changes stay in order. Without the freeze
 * (today's behaviour before it), the late write lands after the retry's.
 */
describe('an in-process handler that times out', () => {
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

  async function run(freeze: boolean, orderId: string) {
    const { dynamoEndpoint } = standIns();
    const stateTable = `poller-${table.tableName}`;
    const admin = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamoEndpoint });
    await PollerState.ensureTable(admin, stateTable);
    admin.destroy();
    streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: dynamoEndpoint });
    poller = new StreamPoller({
      streams,
      streamArn: table.streamArn,
      handler: lateWriter({ endpoint: dynamoEndpoint, tableName: table.tableName, freeze }),
      settings: { ...orderProcessorMapping, bisectBatchOnFunctionError: false },
      state: new PollerState(table.db, stateTable),
      logger: pino({ level: 'silent' }),
      functionTimeoutMs: 1000,
      pollIntervalMs: 50,
      discoveryIntervalMs: 200,
      retryDelayMs: () => 20,
    });
    poller.start();
    await writeOrders(table, [orderId]);
    await eventually(() => item(retryKey(orderId)), 20_000, "the retry's write");
    // The first attempt, timed out, sees the retry's mark and tries to write: how that ended.
    return eventually(async () => lateAttempts.find((a) => a.orderId === orderId)?.outcome, 20_000, 'the late attempt');
  }

  const item = async (key: { PK: string; SK: string }) =>
    (await table.db.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }))).Item;

  it('cannot write once its invocation timed out: the late call is refused', async () => {
    const [orderId] = ids('frozen', 1) as [string];
    expect(await run(true, orderId)).toBe('FrozenInvocationError');
    expect(await item(lateKey(orderId))).toBeUndefined();
    expect(poller!.stats).toMatchObject({ invocations: 2, recordsDelivered: 1, recordsDeadLettered: 0 });
  });

  it('would write after its retry without the freeze (the behaviour this prevents)', async () => {
    const [orderId] = ids('unfrozen', 1) as [string];
    expect(await run(false, orderId)).toBe('wrote');
    expect(await item(lateKey(orderId))).toMatchObject({ attempt: 1 });
  });
});
