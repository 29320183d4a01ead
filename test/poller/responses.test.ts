import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import pino from 'pino';
import { eventually, startTestPoller } from '../support/pipeline';
import { ids, ok, scripted, streamFixture, writeOrders } from '../support/streamScript';

/**
 * What the function hands back, read as Lambda reads it, on DynamoDB Local's real stream: a partial-batch response
 * that fails the whole batch (Lambda developer guide, "Configuring partial batch response with DynamoDB and
 * Lambda") is retried whole and is not a function error; a response that does not serialise is a function error;
 * and the reader never runs more than ten batches per lane ahead of the checkpoint.
 */
const stream = streamFixture();

function capturedLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  return { lines, logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }) };
}

async function oneDeadLetter() {
  return eventually(
    async () => {
      const letters = await stream.running!.state.deadLetters();
      return letters.length === 1 && letters[0];
    },
    10_000,
    'a dead letter',
  );
}

describe('a partial-batch response that fails the whole batch', () => {
  const whole = ids('w', 4);

  it.each([
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['an identifier under another key', { batchItemFailures: [{ itemId: '1' }] }],
    ['an identifier naming no record of the batch', { batchItemFailures: [{ itemIdentifier: '9'.repeat(21) }] }],
    ['a batchItemFailures that is not a list', { batchItemFailures: { itemIdentifier: '1' } }],
  ])('%s: retried whole (never bisected, never skipped), and not a function error', async (_what, response) => {
    const { calls, handler } = scripted(() => response as unknown as DynamoDBBatchResponse);
    await writeOrders(stream.table, whole);
    stream.running = await startTestPoller(stream.table, handler, { settings: { bisectBatchOnFunctionError: true, maximumRetryAttempts: 1 } });
    const letter = await oneDeadLetter();
    expect(calls).toEqual([whole, whole]);
    expect(letter.records.map((r) => r.dynamodb!.NewImage!.orderId!.S)).toEqual(whole);
    expect(letter.onFailure.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 });
    expect(letter.onFailure.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST' });
  });
});

describe('a response that cannot be serialised', () => {
  const circular = () => {
    const response: Record<string, unknown> = { batchItemFailures: [] };
    response.self = response;
    return response;
  };

  it.each([
    ['a BigInt', () => ({ batchItemFailures: [], count: BigInt(1) })],
    ['a circular object', circular],
  ])('%s: a function error, retried, bisected and dead-lettered; the shard reader goes on', async (_what, response) => {
    const { lines, logger } = capturedLogger();
    const { calls, handler } = scripted((_event, call) => (call <= 2 ? (response() as unknown as DynamoDBBatchResponse) : ok()));
    await writeOrders(stream.table, ids('s', 2));
    stream.running = await startTestPoller(stream.table, handler, { settings: { maximumRetryAttempts: 0 }, logger });
    const letter = await oneDeadLetter();
    // [s-00, s-01] fails and is halved; [s-00] fails with no retry left and is dead-lettered; [s-01] succeeds.
    await eventually(async () => calls.length >= 3, 10_000, 'the second half');
    expect(calls).toEqual([ids('s', 2), ['s-00'], ['s-01']]);
    expect(letter.lastError).toBe('Unable to stringify response body');
    expect(letter.onFailure.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    await writeOrders(stream.table, ['t-00']);
    await eventually(async () => calls.flat().includes('t-00'), 10_000, 'a later record');
    expect(lines.filter((l) => l.msg === 'shard reader failed')).toEqual([]);
  });
});

describe('read-ahead', () => {
  it('stops reading ten batches per lane ahead of the checkpoint, and reads on once the checkpoint moves', async () => {
    let returned = 0;
    const countRecords = (streams: DynamoDBStreamsClient) =>
      streams.middlewareStack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          if (context.commandName === 'GetRecordsCommand') returned += (result.output as { Records?: unknown[] }).Records?.length ?? 0;
          return result;
        },
        { step: 'initialize', name: 'countRecords' },
      );
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { calls, handler } = scripted(async () => {
      await released;
      return ok();
    });
    await writeOrders(stream.table, ids('r', 35));
    // One lane, batches of one: ten batches ahead of the checkpoint are ten records.
    stream.running = await startTestPoller(stream.table, handler, { settings: { batchSize: 1, parallelizationFactor: 1 }, onStreams: countRecords });
    try {
      await eventually(async () => calls.length === 1 && returned >= 10, 10_000, 'the first batch held');
      // The checkpoint cannot move while the first batch is held, so nothing more can be read than this.
      expect(returned).toBe(10);
    } finally {
      release();
    }
    await eventually(async () => calls.flat().length === 35, 20_000, 'every record');
    expect(calls.flat()).toEqual(ids('r', 35));
  });
});
