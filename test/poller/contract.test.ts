import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { ENTITY, productKey } from '../../core/table';
import { redriveDeadLetters } from '../../local/poller/redrive';
import { eventually, startTestPoller } from '../support/pipeline';
import { idOf, ids, ok, scripted, seqOf, streamFixture, writeOrders } from '../support/streamScript';

/**
 * The local poller against DynamoDB Local's real stream, with a scripted handler: each test checks one clause
 * of Lambda's event source mapping contract.
 */
const stream = streamFixture();

describe('local event source mapping', () => {
  it('delivers Lambda-shaped events in stream order and only records matching the filter', async () => {
    const { calls, handler } = scripted(ok);
    const events: DynamoDBStreamEvent[] = [];
    stream.running = await startTestPoller(stream.table, async (event) => {
      events.push(event);
      return handler(event);
    });
    await writeOrders(stream.table, ids('a', 3));
    await stream.table.db.send(
      new PutCommand({ TableName: stream.table.tableName, Item: { ...productKey('X'), entityType: ENTITY.product, sku: 'X', stock: 1 } }),
    );
    await writeOrders(stream.table, ids('b', 2));
    await eventually(async () => calls.flat().length === 5, 10_000, 'five records');
    expect(calls.flat()).toEqual([...ids('a', 3), ...ids('b', 2)]);
    const record = events[0]!.Records[0]!;
    expect(record.eventSourceARN).toBe(stream.table.streamArn);
    expect(record.eventSource).toBe('aws:dynamodb');
    expect(typeof record.dynamodb!.ApproximateCreationDateTime).toBe('number');
    expect(record.dynamodb!.ApproximateCreationDateTime).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    expect(stream.running.poller.stats.recordsFiltered).toBe(1);
  });

  it('respects the batch size', async () => {
    const { calls, handler } = scripted(ok);
    await writeOrders(stream.table, ids('s', 7));
    stream.running = await startTestPoller(stream.table, handler, { settings: { batchSize: 3 } });
    await eventually(async () => calls.flat().length === 7, 10_000, 'seven records');
    expect(calls.map((c) => c.length)).toEqual([3, 3, 1]);
  });

  it('waits up to the batching window to fill a batch, and invokes at once without one', async () => {
    const trickle = async (prefix: string) => {
      for (const id of ids(prefix, 4)) {
        await writeOrders(stream.table, [id]);
        await new Promise((r) => setTimeout(r, 150));
      }
    };
    const windowed = scripted(ok);
    stream.running = await startTestPoller(stream.table, windowed.handler, { settings: { maximumBatchingWindowInSeconds: 2 } });
    await trickle('w');
    await eventually(async () => windowed.calls.flat().length === 4, 10_000, 'the windowed batch');
    expect(windowed.calls).toEqual([ids('w', 4)]);
    await stream.running.stop();

    const immediate = scripted(ok);
    stream.running = await startTestPoller(stream.table, immediate.handler, {
      settings: { maximumBatchingWindowInSeconds: 0 },
      stateTable: `poller-immediate-${stream.table.tableName}`,
    });
    await eventually(async () => immediate.calls.flat().length === 4, 10_000, 'the earlier records'); // a new mapping starts at TRIM_HORIZON
    await trickle('i');
    await eventually(async () => immediate.calls.flat().length === 8, 10_000, 'the trickled records');
    expect(immediate.calls.length).toBeGreaterThan(2);
  });

  it('after a partial failure, redelivers from the lowest failed sequence number', async () => {
    const { calls, handler } = scripted((event, call) =>
      call === 1 ? { batchItemFailures: [event.Records[4]!, event.Records[2]!].map((r) => ({ itemIdentifier: seqOf(r) })) } : ok(),
    );
    await writeOrders(stream.table, ids('p', 6));
    stream.running = await startTestPoller(stream.table, handler);
    await eventually(async () => calls.length === 2, 10_000, 'the redelivery');
    expect(calls[0]).toEqual(ids('p', 6));
    expect(calls[1]).toEqual(ids('p', 6).slice(2)); // from the lowest failure, including records that had succeeded
  });

  it('treats an empty itemIdentifier, or a sequence number not in the batch, as a failure of the whole batch', async () => {
    const outside = '9'.repeat(21);
    const { calls, handler } = scripted((_event, call) => (call <= 2 ? { batchItemFailures: [{ itemIdentifier: call === 1 ? '' : outside }] } : ok()));
    await writeOrders(stream.table, ids('u', 2));
    stream.running = await startTestPoller(stream.table, handler, { settings: { bisectBatchOnFunctionError: false } });
    await eventually(async () => calls.length === 3, 10_000, 'two retries');
    expect(calls).toEqual([ids('u', 2), ids('u', 2), ids('u', 2)]);
  });

  it('retries the whole batch when the function throws', async () => {
    const { calls, handler } = scripted((_event, call) => {
      if (call < 3) throw new Error('boom');
      return ok();
    });
    await writeOrders(stream.table, ids('t', 4));
    stream.running = await startTestPoller(stream.table, handler, { settings: { bisectBatchOnFunctionError: false } });
    await eventually(async () => calls.length === 3, 10_000, 'three attempts');
    expect(calls).toEqual([ids('t', 4), ids('t', 4), ids('t', 4)]);
    expect(await stream.running.state.deadLetters()).toEqual([]);
  });

  it('bisects to isolate a poison record, dead-letters it after the retries, and moves on', async () => {
    const poison = 'x-05';
    const { calls, handler } = scripted((event) => {
      if (event.Records.some((r) => idOf(r) === poison)) throw new Error(`cannot process ${poison}`);
      return ok();
    });
    await writeOrders(stream.table, ids('x', 8));
    stream.running = await startTestPoller(stream.table, handler, { settings: { maximumRetryAttempts: 2 } });
    await eventually(async () => (await stream.running!.state.deadLetters()).length === 1, 10_000, 'a dead letter');
    const [letter] = await stream.running.state.deadLetters();
    expect(letter!.records.map(idOf)).toEqual([poison]);
    expect(letter!.lastError).toBe(`cannot process ${poison}`);
    expect(letter!.onFailure).toMatchObject({
      version: '1.0',
      // every invocation that carried the poison record: 3 while bisecting down to it, then 1 + 2 retries alone
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 6 },
      DDBStreamBatchInfo: { batchSize: 1, streamArn: stream.table.streamArn, startSequenceNumber: letter!.records[0]!.dynamodb!.SequenceNumber },
    });
    // Halving: [0-7] → [0-3] ok, [4-7] → [4,5] → [4] ok, [5] ×3 → DLQ, then [6,7] (after the dead letter is written).
    // x-07 was in the first (failed) batch too: wait for the call that starts after the dead letter.
    await eventually(async () => calls.some((call) => call[0] === 'x-06'), 10_000, 'the rest of the batch');
    expect(calls).toEqual([
      ids('x', 8),
      ids('x', 8).slice(0, 4),
      ids('x', 8).slice(4),
      ['x-04', 'x-05'],
      ['x-04'],
      ['x-05'],
      ['x-05'],
      ['x-05'],
      ['x-06', 'x-07'],
    ]);

    // The shard moved on: later records flow.
    await writeOrders(stream.table, ['y-00']);
    await eventually(async () => calls.flat().includes('y-00'), 10_000, 'later records');

    // Redrive once the fault is gone: the letter is processed and leaves the store.
    const redriven: string[] = [];
    const results = await redriveDeadLetters(stream.running.state, async (event) => {
      redriven.push(...event.Records.map(idOf));
      return ok();
    });
    expect(results).toEqual([{ id: letter!.id, ok: true, detail: '1 records processed' }]);
    expect(redriven).toEqual([poison]);
    expect(await stream.running.state.deadLetters()).toEqual([]);
  });

  it('keeps a dead letter whose records fail again on redrive', async () => {
    const { handler } = scripted(() => {
      throw new Error('always');
    });
    await writeOrders(stream.table, ['z-00']);
    stream.running = await startTestPoller(stream.table, handler, { settings: { maximumRetryAttempts: 0 } });
    await eventually(async () => (await stream.running!.state.deadLetters()).length === 1, 10_000, 'a dead letter');
    const results = await redriveDeadLetters(stream.running.state, async () => {
      throw new Error('still broken');
    });
    expect(results[0]).toMatchObject({ ok: false, detail: 'still broken' });
    expect(await stream.running.state.deadLetters()).toHaveLength(1);
  });

  it('resumes from its checkpoint after a restart', async () => {
    const first = scripted(ok);
    stream.running = await startTestPoller(stream.table, first.handler, { stateTable: `poller-restart-${stream.table.tableName}` });
    await writeOrders(stream.table, ids('r', 3));
    await eventually(async () => first.calls.flat().length === 3, 10_000, 'the first three');
    await stream.running.stop();

    await writeOrders(stream.table, ids('s', 2));
    const second = scripted(ok);
    stream.running = await startTestPoller(stream.table, second.handler, { stateTable: `poller-restart-${stream.table.tableName}` });
    // A record written after them comes after any redelivery in the shard: once it is in, nothing else is coming.
    await writeOrders(stream.table, ids('t', 1));
    await eventually(async () => second.calls.flat().includes(ids('t', 1)[0]!), 10_000, 'the record written last');
    expect(second.calls.flat()).toEqual([...ids('s', 2), ...ids('t', 1)]);
  });
});
