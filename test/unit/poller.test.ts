import type { DynamoDBRecord } from 'aws-lambda';
import { deliverBatch, type DeliveryPolicy, type InvokeResult } from '../../local/poller/deliver';
import { compareSequence, toLambdaRecord } from '../../local/poller/lambdaEvent';
import { shardsReadyToRead } from '../../local/poller/shards';

const record = (n: number, createdSeconds = 1000): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: { SequenceNumber: String(100 + n), ApproximateCreationDateTime: createdSeconds },
});
const names = (records: DynamoDBRecord[]) => records.map((r) => Number(r.dynamodb!.SequenceNumber) - 100);

function harness(policy: Partial<DeliveryPolicy>, invoke: (records: DynamoDBRecord[]) => InvokeResult, now = 1000) {
  const log: string[] = [];
  const dead: Array<{ records: number[]; condition: string; count: number; functionError?: boolean }> = [];
  const run = (records: DynamoDBRecord[]) =>
    deliverBatch(records, { bisectBatchOnFunctionError: false, maximumRetryAttempts: 2, maximumRecordAgeInSeconds: -1, ...policy }, {
      invoke: async (batch) => {
        log.push(`invoke ${names(batch).join(',')}`);
        return invoke(batch);
      },
      checkpoint: async (r) => void log.push(`checkpoint ${names([r])[0]}`),
      deadLetter: async (batch, condition, count, _error, functionError) => void dead.push({ records: names(batch), condition, count, ...(functionError ? { functionError } : {}) }),
      backoff: async (attempt) => void log.push(`backoff ${attempt}`),
      nowSeconds: () => now,
      stopped: () => false,
    });
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
  });

  it('compares sequence numbers numerically, not as strings', () => {
    expect(compareSequence('900', '1000')).toBe(-1);
    expect(compareSequence('000000000000000000042', '42')).toBe(0);
  });
});
