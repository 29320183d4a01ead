import { TrimmedDataAccessException, type DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import pino from 'pino';
import { INVOCATION_PAYLOAD_LIMIT_BYTES } from '../../local/poller/batches';
import { eventually, startTestPoller } from '../support/pipeline';
import { idOf, ids, ok, scripted, streamFixture, writeOrders } from '../support/streamScript';

/**
 * The clauses of Lambda's DynamoDB event source mapping that the first version of the poller got wrong, each
 * against DynamoDB Local's real stream. Faults DynamoDB Local never produces (a trimmed checkpoint) are injected
 * as SDK middleware in front of the real client.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function capturedLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { lines, logger };
}

const stream = streamFixture();

describe('starting position', () => {
  it('applies LATEST once, when the mapping is created: a restart before the first record loses nothing', async () => {
    const stateTable = `poller-latest-${stream.table.tableName}`;
    await writeOrders(stream.table, ids('before', 3));
    const first = scripted(ok);
    stream.running = await startTestPoller(stream.table, first.handler, { settings: { startingPosition: 'LATEST' }, stateTable });
    await eventually(() => stream.running!.state.mappingCreatedAt(stream.table.streamArn), 10_000, 'the mapping');
    await stream.running.stop();

    await writeOrders(stream.table, ids('after', 2));
    const second = scripted(ok);
    stream.running = await startTestPoller(stream.table, second.handler, { settings: { startingPosition: 'LATEST' }, stateTable });
    await eventually(async () => second.calls.flat().length === 2, 10_000, 'the records written after the mapping');
    await sleep(300);
    expect(first.calls).toEqual([]);
    expect(second.calls.flat()).toEqual(ids('after', 2));
  });
});

describe('stream errors that must not stop a shard', () => {
  it('continues from the oldest available record when the checkpoint was trimmed, and says so', async () => {
    const stateTable = `poller-trim-${stream.table.tableName}`;
    const first = scripted(ok);
    stream.running = await startTestPoller(stream.table, first.handler, { stateTable });
    await writeOrders(stream.table, ids('t', 3));
    await eventually(async () => first.calls.flat().length === 3, 10_000, 'the first records');
    await stream.running.stop();

    await writeOrders(stream.table, ids('u', 2));
    const { lines, logger } = capturedLogger();
    let trimmed = 0;
    const trimCheckpointOnce = (streams: DynamoDBStreamsClient) =>
      streams.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as { ShardIteratorType?: string };
          if (context.commandName === 'GetShardIteratorCommand' && input.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER' && trimmed++ === 0) {
            throw new TrimmedDataAccessException({ message: 'The operation attempted to read past the oldest stream record in a shard.', $metadata: {} });
          }
          return next(args);
        },
        { step: 'initialize', name: 'trimCheckpointOnce' },
      );
    const second = scripted(ok);
    stream.running = await startTestPoller(stream.table, second.handler, { stateTable, onStreams: trimCheckpointOnce, logger });
    // DynamoDB Local trims nothing, so "the oldest available record" is the first one ever written.
    await eventually(async () => second.calls.flat().length === 5, 10_000, 'everything still in the stream');
    expect(second.calls.flat()).toEqual([...ids('t', 3), ...ids('u', 2)]);
    expect(lines.some((l) => /trimmed/.test(l.msg))).toBe(true);
    expect(lines.filter((l) => l.msg === 'shard reader failed')).toEqual([]);
  });

  it('finishes a shard that no longer exists and goes on to its children', async () => {
    const gone = 'shardId-00000001000000000000-trimmed0';
    const { lines, logger } = capturedLogger();
    // DescribeStream still lists a parent that the stream has trimmed away; DynamoDB Local itself answers that
    // the shard does not exist when the poller asks for an iterator.
    const phantomParent = (streams: DynamoDBStreamsClient) =>
      streams.middlewareStack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          if (context.commandName !== 'DescribeStreamCommand') return result;
          const description = (result.output as { StreamDescription?: { Shards?: Array<Record<string, unknown>> } }).StreamDescription;
          const shards = description?.Shards ?? [];
          for (const shard of shards) shard.ParentShardId = gone;
          shards.unshift({
            ShardId: gone,
            SequenceNumberRange: { StartingSequenceNumber: '000000000000000000001', EndingSequenceNumber: '000000000000000000002' },
          });
          return result;
        },
        { step: 'initialize', name: 'phantomParent' },
      );
    const { calls, handler } = scripted(ok);
    await writeOrders(stream.table, ids('c', 2));
    stream.running = await startTestPoller(stream.table, handler, { onStreams: phantomParent, logger });
    await eventually(async () => calls.flat().length === 2, 10_000, "the child shard's records");
    expect(calls.flat()).toEqual(ids('c', 2));
    expect(lines.find((l) => /no longer in the stream/.test(l.msg))).toMatchObject({ shardId: gone });
  });
});

describe('what Lambda enforces on each invocation', () => {
  it('fails an invocation that outlives the function timeout, then bisects and retries', async () => {
    const { calls, handler } = scripted(async (_event, call) => {
      if (call === 1) await sleep(800);
      return ok();
    });
    await writeOrders(stream.table, ids('slow', 2));
    stream.running = await startTestPoller(stream.table, handler, { functionTimeoutMs: 300 });
    await eventually(async () => calls.length === 3, 10_000, 'the bisected retries');
    expect(calls).toEqual([ids('slow', 2), ['slow-00'], ['slow-01']]);
  });

  it('splits a batch that would pass the 6 MB invocation payload', async () => {
    const sizes: number[] = [];
    const { calls, handler } = scripted(async (event) => {
      sizes.push(Buffer.byteLength(JSON.stringify(event)));
      return ok();
    });
    await writeOrders(stream.table, ids('big', 20), { notes: 'x'.repeat(350_000) }); // 20 × 350 KB ≈ 7 MB
    stream.running = await startTestPoller(stream.table, handler, { settings: { batchSize: 100 } });
    await eventually(async () => calls.flat().length === 20, 20_000, 'twenty large records');
    expect(calls.flat()).toEqual(ids('big', 20));
    expect(calls.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(INVOCATION_PAYLOAD_LIMIT_BYTES);
  });

  it('passes the event through JSON: a handler never sees its own mutations on a retry', async () => {
    const seen: string[][] = [];
    const handler = async (event: DynamoDBStreamEvent) => {
      seen.push(event.Records.map(idOf));
      for (const r of event.Records) r.dynamodb!.NewImage!.orderId = { S: 'mutated' };
      if (seen.length === 1) throw new Error('fail once');
      return ok();
    };
    await writeOrders(stream.table, ids('j', 2));
    stream.running = await startTestPoller(stream.table, handler, { settings: { bisectBatchOnFunctionError: false } });
    await eventually(async () => seen.length === 2, 10_000, 'the retry');
    expect(seen).toEqual([ids('j', 2), ids('j', 2)]);
  });
});

describe('batching window', () => {
  it('starts when the previous invocation completes, not when a record arrives', async () => {
    const windowMs = 2000;
    const invokedAt: number[] = [];
    const { calls, handler } = scripted(() => {
      invokedAt.push(Date.now());
      return ok();
    });
    stream.running = await startTestPoller(stream.table, handler, { settings: { maximumBatchingWindowInSeconds: windowMs / 1000 } });
    await writeOrders(stream.table, ['a-00']);
    await eventually(async () => calls.length === 1, 10_000, 'the first batch');
    await sleep(windowMs + 500); // longer than the window since that invocation completed
    const b00WrittenAt = Date.now();
    await writeOrders(stream.table, ['b-00']);
    // b-01 goes in once b-00's invocation is over, inside the window that invocation began.
    await eventually(async () => calls.length === 2, 10_000, "b-00's invocation");
    await writeOrders(stream.table, ['b-01']);
    await eventually(async () => calls.flat().length === 3, 10_000, 'the later records');
    // b-00 finds the window already over and goes at once; b-01 waits for the window that b-00's invocation began.
    expect(calls).toEqual([['a-00'], ['b-00'], ['b-01']]);
    expect(invokedAt[1]! - b00WrittenAt).toBeLessThan(windowMs);
    expect(invokedAt[2]! - invokedAt[1]!).toBeGreaterThanOrEqual(windowMs);
  });
});

describe('on-failure record', () => {
  it("states arrival times from the records' stamps, which DynamoDB Local rounds down to the minute", async () => {
    const { handler } = scripted(() => {
      throw new Error('always');
    });
    await writeOrders(stream.table, ids('d', 2));
    stream.running = await startTestPoller(stream.table, handler, { settings: { maximumRetryAttempts: 0, bisectBatchOnFunctionError: false } });
    const [letter] = await eventually(
      async () => {
        const letters = await stream.running!.state.deadLetters();
        return letters.length === 1 && letters;
      },
      10_000,
      'a dead letter',
    );
    const stamps = letter!.records.map((r) => r.dynamodb!.ApproximateCreationDateTime!);
    expect(stamps.every((s) => s % 60 === 0)).toBe(true);
    const info = letter!.onFailure.DDBStreamBatchInfo;
    expect(info.approximateArrivalOfFirstRecord).toBe(new Date(stamps[0]! * 1000).toISOString());
    expect(info.approximateArrivalOfLastRecord).toBe(new Date(stamps[1]! * 1000).toISOString());
    expect(info.approximateArrivalOfFirstRecord).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.now() - Date.parse(info.approximateArrivalOfFirstRecord)).toBeLessThan(120_000);
    expect(letter!.onFailure.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
  });
});
