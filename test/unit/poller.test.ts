import type { DynamoDBRecord } from 'aws-lambda';
import { BatchBuffer, recordBytes } from '../../local/poller/batches';
import { deliverBatch, STREAM_RETENTION_SECONDS, type DeliveryPolicy, type InvokeResult } from '../../local/poller/deliver';
import type { StreamHandler } from '../../core/streamHandler';
import { invokeFunction, readBatchResponse } from '../../local/poller/invoke';
import { RecordClock } from '../../local/poller/recordClock';
import { compareSequence, toLambdaRecord } from '../../local/poller/lambdaEvent';
import { shardsReadyToRead } from '../../local/poller/shards';

const record = (n: number, createdSeconds = 1000): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: { SequenceNumber: String(100 + n), ApproximateCreationDateTime: createdSeconds },
});
const names = (records: DynamoDBRecord[]) => records.map((r) => Number(r.dynamodb!.SequenceNumber) - 100);

function harness(policy: Partial<DeliveryPolicy>, invoke: (records: DynamoDBRecord[]) => InvokeResult, now: number | (() => number) = 1000) {
  const nowSeconds = typeof now === 'number' ? () => now : now;
  const log: string[] = [];
  const dead: Array<{ records: number[]; condition: string; count: number; functionError?: boolean }> = [];
  const run = (records: DynamoDBRecord[]) =>
    deliverBatch(
      records,
      { bisectBatchOnFunctionError: false, maximumRetryAttempts: 2, maximumRecordAgeInSeconds: -1, ...policy },
      {
        invoke: async (batch) => {
          log.push(`invoke ${names(batch).join(',')}`);
          return invoke(batch);
        },
        checkpoint: async (r) => void log.push(`checkpoint ${names([r])[0]}`),
        deadLetter: async (batch, condition, count, _error, functionError) =>
          void dead.push({ records: names(batch), condition, count, ...(functionError ? { functionError } : {}) }),
        backoff: async (attempt) => void log.push(`backoff ${attempt}`),
        ageSeconds: (r) => nowSeconds() - r.dynamodb!.ApproximateCreationDateTime!,
        stopped: () => false,
      },
    );
  return { log, dead, run };
}

describe('deliverBatch (Lambda retry semantics)', () => {
  it('tells the on-failure record whether the function errored, or only reported failed records', async () => {
    const thrown = harness({ maximumRetryAttempts: 0 }, () => ({ kind: 'error', error: 'boom' }));
    await thrown.run([record(1)]);
    expect(thrown.dead).toEqual([{ records: [1], condition: 'RetryAttemptsExhausted', count: 1, functionError: true }]);
    const reported = harness({ maximumRetryAttempts: 0 }, () => ({ kind: 'partial', firstFailed: 0, error: 'item 1 failed' }));
    await reported.run([record(1)]);
    expect(reported.dead).toEqual([{ records: [1], condition: 'RetryAttemptsExhausted', count: 1 }]);
  });

  const batch = [0, 1, 2, 3].map((n) => record(n));

  it('retries a batch its response failed whole, without bisecting, and not as a function error', async () => {
    const h = harness({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 1 }, () => ({ kind: 'failed', error: 'bad itemIdentifier' }));
    await h.run(batch);
    expect(h.log).toEqual(['invoke 0,1,2,3', 'backoff 1', 'invoke 0,1,2,3', 'checkpoint 3']);
    expect(h.dead).toEqual([{ records: [0, 1, 2, 3], condition: 'RetryAttemptsExhausted', count: 2 }]);
  });

  it('checkpoints the last record of a successful batch', async () => {
    const h = harness({}, () => ({ kind: 'ok' }));
    await h.run(batch);
    expect(h.log).toEqual(['invoke 0,1,2,3', 'checkpoint 3']);
  });

  it('stops retrying after maximumRetryAttempts and dead-letters the batch', async () => {
    const h = harness({ maximumRetryAttempts: 2 }, () => ({ kind: 'error', error: 'x' }));
    await h.run(batch);
    expect(h.log).toEqual(['invoke 0,1,2,3', 'backoff 1', 'invoke 0,1,2,3', 'backoff 2', 'invoke 0,1,2,3', 'checkpoint 3']);
    expect(h.dead).toEqual([{ records: [0, 1, 2, 3], condition: 'RetryAttemptsExhausted', count: 3, functionError: true }]);
  });

  it('retries forever with -1 until the function recovers', async () => {
    let calls = 0;
    const h = harness({ maximumRetryAttempts: -1 }, () => (++calls < 20 ? { kind: 'error', error: 'x' } : { kind: 'ok' }));
    await h.run(batch);
    expect(calls).toBe(20);
    expect(h.dead).toEqual([]);
  });

  it('counts partial-failure redeliveries as retries', async () => {
    const h = harness({ maximumRetryAttempts: 1 }, (b) => ({ kind: 'partial', firstFailed: names(b)[0] === 0 ? 2 : 0, error: 'x' }));
    await h.run(batch);
    expect(h.log).toEqual(['invoke 0,1,2,3', 'checkpoint 1', 'backoff 1', 'invoke 2,3', 'checkpoint 3']);
    expect(h.dead).toEqual([{ records: [2, 3], condition: 'RetryAttemptsExhausted', count: 2 }]);
  });

  it('bisects without spending retries', async () => {
    const h = harness({ bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 }, (b) =>
      names(b).includes(2) ? { kind: 'error', error: 'poison' } : { kind: 'ok' },
    );
    await h.run(batch);
    expect(h.log).toEqual(['invoke 0,1,2,3', 'invoke 0,1', 'checkpoint 1', 'invoke 2,3', 'invoke 2', 'checkpoint 2', 'invoke 3', 'checkpoint 3']);
    expect(h.dead).toEqual([{ records: [2], condition: 'RetryAttemptsExhausted', count: 3, functionError: true }]);
  });

  it('sends records older than maximumRecordAgeInSeconds to the dead letters without invoking', async () => {
    const h = harness({ maximumRecordAgeInSeconds: 60 }, () => ({ kind: 'ok' }), 1000 + 61);
    await h.run(batch);
    expect(h.log).toEqual(['checkpoint 3']);
    expect(h.dead).toEqual([{ records: [0, 1, 2, 3], condition: 'RecordAgeExceeded', count: 0 }]);
  });

  it('sends only the expired records of a batch to the dead letters and delivers the younger rest', async () => {
    const mixed = [record(0, 900), record(1, 950), record(2, 1000), record(3, 1020)];
    const h = harness({ maximumRecordAgeInSeconds: 60 }, () => ({ kind: 'ok' }), 1030);
    await h.run(mixed);
    expect(h.dead).toEqual([{ records: [0, 1], condition: 'RecordAgeExceeded', count: 0 }]);
    expect(h.log).toEqual(['checkpoint 1', 'invoke 2,3', 'checkpoint 3']);
  });

  it('expires records that age while their batch is retried, keeping the rest in the retry', async () => {
    let now = 1000;
    const h = harness(
      { maximumRecordAgeInSeconds: 60, maximumRetryAttempts: -1 },
      () => ((now += 25) < 1100 ? { kind: 'error', error: 'x' } : { kind: 'ok' }),
      () => now,
    );
    await h.run([record(0, 950), record(1, 990), record(2, 1040)]);
    // t=1000 [0,1,2] fails; t=1025 record 0 (75 s) leaves alone; t=1050 record 1 (60 s) is retried; t=1075 it leaves.
    expect(h.dead).toEqual([
      { records: [0], condition: 'RecordAgeExceeded', count: 1, functionError: true },
      { records: [1], condition: 'RecordAgeExceeded', count: 3, functionError: true },
    ]);
    expect(h.log.filter((l) => l.startsWith('invoke'))).toEqual(['invoke 0,1,2', 'invoke 1,2', 'invoke 1,2', 'invoke 2']);
    expect(h.log.at(-1)).toBe('checkpoint 2');
  });

  it('with no age limit and endless retries, lets a record go when the stream would trim it (24 hours)', async () => {
    const h = harness({ maximumRecordAgeInSeconds: -1, maximumRetryAttempts: -1 }, () => ({ kind: 'ok' }), 1000 + STREAM_RETENTION_SECONDS + 1);
    await h.run([record(0, 1000), record(1, 1002)]);
    expect(h.dead).toEqual([{ records: [0], condition: 'RecordAgeExceeded', count: 0 }]);
    expect(h.log).toEqual(['checkpoint 0', 'invoke 1', 'checkpoint 1']);
  });
});

describe('record age with minute-rounded stamps (DynamoDB Local)', () => {
  it('never judges a record older than it can be', () => {
    let now = 1010;
    const clock = new RecordClock(() => now);
    const stamped = record(0, 1000); // written between 1000 and 1059, read at 1010
    clock.read(stamped);
    now = 1100;
    expect(clock.ageSeconds(stamped)).toBe(90);
    const readLate = record(1, 1000); // read long after (a restart): the stamp's minute bounds it
    clock.read(readLate);
    expect(clock.ageSeconds(readLate)).toBe(40);
    expect(clock.arrival(stamped)).toBe('1970-01-01T00:16:40.000Z');
  });
});

describe('one invocation as Lambda makes it', () => {
  const fn = (handler: StreamHandler, timeoutMs = 1000) => ({ handler, functionName: 'f', functionArn: 'arn:f', timeoutMs, reportBatchItemFailures: true });

  it('hands the handler a JSON copy of the event: its mutations are not seen again on a retry', async () => {
    const batch = [record(0)];
    const seen: unknown[] = [];
    const mutating = fn(async (event) => {
      seen.push(structuredClone(event.Records[0]!.dynamodb));
      event.Records[0]!.dynamodb!.SequenceNumber = 'changed';
      throw new Error('retry me');
    });
    await invokeFunction(mutating, batch);
    await invokeFunction(mutating, batch);
    expect(seen).toEqual([batch[0]!.dynamodb, batch[0]!.dynamodb]);
    expect(batch[0]!.dynamodb!.SequenceNumber).toBe('100');
  });

  it('reads the response as JSON: only what serialises counts', async () => {
    const withToJson = fn(async () => ({ batchItemFailures: [], toJSON: () => ({ batchItemFailures: [{ itemIdentifier: '101' }] }) }) as never);
    expect(await invokeFunction(withToJson, [record(0), record(1)])).toEqual({ kind: 'partial', firstFailed: 1, error: '1 record(s) reported failed' });
  });

  it('fails an invocation that outlives the function timeout, and gives the handler its remaining time', async () => {
    let remaining = 0;
    let failedLate!: () => void;
    const lateFailure = new Promise<void>((resolve) => (failedLate = resolve));
    const slow = fn(async (_event, context) => {
      remaining = context.getRemainingTimeInMillis();
      await new Promise((r) => setTimeout(r, 300));
      setImmediate(failedLate); // after the rejection below has had its turn to be handled
      throw new Error('late failure is ignored');
    }, 100);
    expect(await invokeFunction(slow, [record(0)])).toEqual({ kind: 'error', error: 'Task timed out after 0.10 seconds' });
    expect(remaining).toBeGreaterThan(50);
    expect(remaining).toBeLessThanOrEqual(100);
    // The late rejection must not surface as unhandled: jest fails a test during which one does.
    await lateFailure;
  });

  it('reads batchItemFailures as Lambda documents, and an identifier outside the batch as a whole-batch failure', () => {
    const batch = [record(0), record(1), record(2)];
    expect(readBatchResponse(batch, undefined)).toEqual({ kind: 'ok' });
    expect(readBatchResponse(batch, null)).toEqual({ kind: 'ok' });
    expect(readBatchResponse(batch, {})).toEqual({ kind: 'ok' });
    expect(readBatchResponse(batch, { batchItemFailures: null })).toEqual({ kind: 'ok' });
    expect(readBatchResponse(batch, { batchItemFailures: [] })).toEqual({ kind: 'ok' });
    expect(readBatchResponse(batch, { batchItemFailures: [{ itemIdentifier: '102' }, { itemIdentifier: '101' }] })).toMatchObject({
      kind: 'partial',
      firstFailed: 1,
    });
    // The function returned normally: a whole-batch failure, not a function error.
    for (const failure of [{ itemIdentifier: '' }, { itemIdentifier: null }, { itemId: '101' }, null, { itemIdentifier: '999' }]) {
      expect(readBatchResponse(batch, { batchItemFailures: [failure] })).toMatchObject({ kind: 'failed' });
    }
    for (const notAList of ['101', { itemIdentifier: '101' }, 1, true]) {
      expect(readBatchResponse(batch, { batchItemFailures: notAList })).toMatchObject({ kind: 'failed' });
    }
  });

  it('fails the invocation as a function error when the response cannot be serialised', async () => {
    const circular: Record<string, unknown> = { batchItemFailures: [] };
    circular.self = circular;
    for (const response of [{ batchItemFailures: [], n: BigInt(1) }, circular]) {
      expect(
        await invokeFunction(
          fn(async () => response as never),
          [record(0)],
        ),
      ).toEqual({ kind: 'error', error: 'Unable to stringify response body' });
    }
  });
});

describe('batches cut by count and payload', () => {
  const sized = (n: number, bytes: number): DynamoDBRecord => ({
    ...record(n),
    dynamodb: { ...record(n).dynamodb, NewImage: { pad: { S: 'x'.repeat(bytes) } } },
  });

  it('cuts a batch before it would pass the payload limit, and never leaves a record behind', () => {
    const limit = 3 * recordBytes(sized(0, 1000)) + 20;
    const buffer = new BatchBuffer(100, limit);
    for (let n = 0; n < 7; n++) buffer.push(sized(n, 1000));
    expect(buffer.full).toBe(true);
    const batches = [buffer.take(), buffer.take(), buffer.take()];
    expect(batches.map(names)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    for (const batch of batches) expect(Buffer.byteLength(JSON.stringify({ Records: batch }))).toBeLessThanOrEqual(limit);
    expect(buffer.length).toBe(0);
    expect(buffer.full).toBe(false);
  });

  it('cuts by count when the payload is small', () => {
    const buffer = new BatchBuffer(2);
    for (let n = 0; n < 3; n++) buffer.push(record(n));
    expect(buffer.full).toBe(true);
    expect(names(buffer.take())).toEqual([0, 1]);
    expect(buffer.full).toBe(false);
  });
});

describe('shard lineage', () => {
  const shards = [
    { shardId: 'parent', endingSequenceNumber: '9' },
    { shardId: 'child-a', parentShardId: 'parent' },
    { shardId: 'child-b', parentShardId: 'parent' },
    { shardId: 'orphan', parentShardId: 'trimmed-away' },
  ];

  it('reads a parent before its children, and orphans at once', () => {
    expect(shardsReadyToRead(shards, new Set(), new Set())).toEqual(['parent', 'orphan']);
    expect(shardsReadyToRead(shards, new Set(['parent']), new Set(['orphan']))).toEqual(['child-a', 'child-b']);
    expect(shardsReadyToRead(shards, new Set(['parent', 'child-a', 'child-b', 'orphan']), new Set())).toEqual([]);
  });
});

describe('Lambda-shaped records', () => {
  it('adds the stream ARN, turns the creation time into epoch seconds and binaries into base64', () => {
    const converted = toLambdaRecord(
      {
        eventID: 'e1',
        eventName: 'INSERT',
        eventSource: 'aws:dynamodb',
        dynamodb: { ApproximateCreationDateTime: new Date('2026-01-01T00:00:30.900Z'), SequenceNumber: '1', NewImage: { b: { B: new Uint8Array([1, 2, 3]) } } },
      },
      'arn:stream',
    );
    expect(converted.eventSourceARN).toBe('arn:stream');
    expect(converted.dynamodb!.ApproximateCreationDateTime).toBe(Date.parse('2026-01-01T00:00:30Z') / 1000);
    expect(converted.dynamodb!.NewImage).toEqual({ b: { B: 'AQID' } });
    expect(converted).not.toHaveProperty('userIdentity');
  });

  it("gives a TTL deletion's userIdentity the stream record's key names (type, principalId)", () => {
    const ttl = toLambdaRecord(
      { eventName: 'REMOVE', userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' }, dynamodb: { SequenceNumber: '1' } },
      'arn:stream',
    );
    expect(ttl.userIdentity).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
    expect(JSON.parse(JSON.stringify(ttl)).userIdentity).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
  });

  it('compares sequence numbers numerically, not as strings', () => {
    expect(compareSequence('900', '1000')).toBe(-1);
    expect(compareSequence('000000000000000000042', '42')).toBe(0);
  });
});
