import { TrimmedDataAccessException, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { orderProcessorMapping } from '../../core/eventSourceMapping';
import { DEMO_CATALOG } from '../../core/domain/product';
import { LOCAL_AWS } from '../../local/dynamodb';
import { invokedForRedrive } from '../../local/poller/redrive';
import { localProcessor } from '../../local/processor';
import { listFromStream, redriveFromStream } from '../../scripts/dlq/fromStream';
import { localFailedBatches } from '../../scripts/dlq/localQueue';
import { createTestTable, standIns, type TestTable } from '../support/env';
import { checkInvariants } from '../support/invariants';
import { eventually, startTestPoller, storedOrder, storesOf, type TestPoller } from '../support/pipeline';
import { idOf, seqOf } from '../support/streamScript';

/**
 * `npm run dlq -- --stack` rehearsed on DynamoDB Local: the on-failure record the local poller writes carries, as
 * in AWS, only a shard and a sequence range; the records are fetched from the real stream by that range and
 * decided again by the real processor. Two lanes, so the range also holds another lane's records.
 */
let table: TestTable;
let pipeline: TestPoller;
let streams: DynamoDBStreamsClient;
const orderIds: string[] = [];
const failing = new Set<string>();

beforeAll(async () => {
  table = await createTestTable();
  for (let i = 0; i < 8; i++) orderIds.push((await storedOrder(table, { sku: 'KB-001', quantity: 1, unitPrice: 8900 }, `c-${i}`)).orderId);
  failing.add(orderIds[3]!);
  const real = localProcessor({ db: table.db, tableName: table.tableName, logLevel: 'SILENT' });
  const handler = async (event: DynamoDBStreamEvent, context: Parameters<typeof real>[1]) => {
    if (event.Records.some((r) => failing.has(idOf(r)))) throw new Error('injected fault');
    return real(event, context);
  };
  // No bisecting, no retries: the failing order's whole lane batch is given up at once.
  pipeline = await startTestPoller(table, handler, { settings: { parallelizationFactor: 2, bisectBatchOnFunctionError: false, maximumRetryAttempts: 0 } });
  await eventually(async () => (await pipeline.state.deadLetters()).length === 1, 20_000, 'the dead letter');
  await pipeline.stop();
  streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: standIns().dynamoEndpoint });
}, 60_000);
afterAll(async () => {
  streams?.destroy();
  await table.drop();
});

const stackPath = (client = streams) => ({ queue: localFailedBatches(pipeline.state), streams: client, filterPatterns: orderProcessorMapping.filterPatterns });
const processor = () => invokedForRedrive(localProcessor({ db: table.db, tableName: table.tableName, logLevel: 'SILENT' }));

it('fetches exactly the failed batch’s records from the stream by its shard and sequence range', async () => {
  const [letter] = await pipeline.state.deadLetters();
  const { reports } = await listFromStream(stackPath());
  expect(reports).toHaveLength(1);
  const range = reports[0]!.range;
  if (range.kind !== 'records') throw new Error(range.why);
  expect(range.complete).toBe(true);
  // The batch's own records, plus whatever of the other lane lies between its first and last.
  const fetched = range.records.map(seqOf);
  expect(fetched).toEqual(expect.arrayContaining(letter!.records.map(seqOf)));
  expect(range.records.every((r) => BigInt(seqOf(r)) >= BigInt(seqOf(letter!.records[0]!)) && BigInt(seqOf(r)) <= BigInt(seqOf(letter!.records.at(-1)!)))).toBe(
    true,
  );
  expect(range.records.filter((r) => letter!.records.some((l) => seqOf(l) === seqOf(r)))).toEqual(letter!.records.map((r) => JSON.parse(JSON.stringify(r))));
  expect(range.missing).toBe(0);
  expect(await pipeline.state.deadLetters()).toHaveLength(1); // listing keeps the message
});

// Trimmed before the iterator is asked for, or between GetShardIterator and GetRecords.
it.each(['GetShardIteratorCommand', 'GetRecordsCommand'])('says when the stream no longer holds the range (%s), and keeps the message', async (command) => {
  const trimmed = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: standIns().dynamoEndpoint });
  // DynamoDB Local never trims (24-hour retention); the fault AWS answers with is injected in front of the real client.
  trimmed.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === command) throw new TrimmedDataAccessException({ message: 'trimmed', $metadata: {} });
      return next(args);
    },
    { step: 'initialize', name: 'trimEverything' },
  );
  try {
    const [outcome] = await redriveFromStream({ ...stackPath(trimmed), process: processor() });
    expect(outcome).toMatchObject({
      status: 'expired',
      detail: expect.stringMatching(/no longer holds sequence \d+ \(DynamoDB Streams keeps records 24 hours\).*cannot be redriven/),
    });
    expect(await pipeline.state.deadLetters()).toHaveLength(1);
  } finally {
    trimmed.destroy();
  }
});

it('keeps the message when a record fails again', async () => {
  const [outcome] = await redriveFromStream({
    ...stackPath(),
    process: async (event) => ({ batchItemFailures: [{ itemIdentifier: seqOf(event.Records[0]!) }] }),
  });
  expect(outcome).toMatchObject({ status: 'failed', detail: expect.stringMatching(/^1 of \d+ record\(s\) failed again$/) });
  expect(await pipeline.state.deadLetters()).toHaveLength(1);
});

it('redrives through the processor, deletes the message, and leaves every invariant holding', async () => {
  failing.clear();
  expect((await storesOf(table).orders.get(orderIds[3]!))!.status).toBe('PENDING');
  const [outcome] = await redriveFromStream({ ...stackPath(), process: processor() });
  expect(outcome).toMatchObject({ status: 'redriven', detail: expect.stringContaining(orderIds[3]!) });
  expect(await pipeline.state.deadLetters()).toEqual([]);
  for (const orderId of orderIds) expect((await storesOf(table).orders.get(orderId))!.status).toBe('CONFIRMED');
  // The other lane's records in the range were decided twice: the conditional writes reserved their stock once.
  const report = await checkInvariants(table.db, table.tableName, new Map(DEMO_CATALOG.map((p) => [p.sku, p.stock])));
  expect(report.violations).toEqual([]);
  expect(await redriveFromStream({ ...stackPath(), process: processor() })).toEqual([]);
});
