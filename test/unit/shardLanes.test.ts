import type { DynamoDBRecord } from 'aws-lambda';
import { sequenceOf } from '../../local/poller/lambdaEvent';
import { laneOf } from '../../local/poller/lanes';
import { ShardLanes, type ShardLanesOptions } from '../../local/poller/shardLanes';

/**
 * A shard's lanes without a stream: the rules are Lambda's for a stream with a parallelization factor (one batch in
 * flight per lane, batches in stream order, a batch started when full, when its batching window has passed, or when
 * the shard is closed; the window counted from the end of the previous invocation) and the reader's (it holds back
 * when a lane is busy with a full batch waiting, or ten batches per lane are read and not yet checkpointed).
 * The deliveries here end when the test says so.
 */
interface Delivery {
  batch: string[];
  done(): void;
  fail(error: Error): void;
}

const record = (item: string, seq: number): DynamoDBRecord => ({
  eventName: 'MODIFY',
  dynamodb: { SequenceNumber: String(seq), Keys: { PK: { S: item } } },
});

/** Two items that land in different lanes of two. */
const [left, right] = (() => {
  const names = Array.from({ length: 16 }, (_, i) => `ORDER#${i}`);
  const first = names.find((n) => laneOf(record(n, 0), 2, 'PK') === 0)!;
  const second = names.find((n) => laneOf(record(n, 0), 2, 'PK') === 1)!;
  return [first, second];
})();

function lanesUnderTest(overrides: Partial<ShardLanesOptions> & { batchSize?: number; windowSeconds?: number } = {}) {
  const deliveries: Delivery[] = [];
  let running = true;
  const lanes = new ShardLanes({
    count: 2,
    settings: { batchSize: overrides.batchSize ?? 2, maximumBatchingWindowInSeconds: overrides.windowSeconds ?? 0 },
    hashKey: 'PK',
    running: () => running,
    deliver: (batch) =>
      new Promise<void>((resolve, reject) => {
        deliveries.push({ batch: batch.map(sequenceOf), done: resolve, fail: reject });
      }),
    ...overrides,
  });
  let seq = 0;
  const push = (item: string, times = 1) => {
    for (let i = 0; i < times; i++) {
      const r = record(item, ++seq);
      lanes.bufferFor(r).push(r);
    }
  };
  return { lanes, deliveries, push, stop: () => (running = false) };
}

/** Lets the callbacks of settled deliveries run. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

afterEach(() => {
  jest.restoreAllMocks();
  jest.useRealTimers();
});

describe('a shard’s lanes', () => {
  it('delivers each lane’s batches in stream order, one at a time, while the lanes run side by side', async () => {
    const { lanes, deliveries, push } = lanesUnderTest();
    push(left, 3);
    push(right);
    lanes.dispatch(false);
    expect(deliveries.map((d) => d.batch)).toEqual([['1', '2'], ['4']]);
    lanes.dispatch(false);
    expect(deliveries).toHaveLength(2); // each lane has one batch in flight
    deliveries[0]!.done();
    await settled();
    lanes.dispatch(false);
    expect(deliveries.map((d) => d.batch)).toEqual([['1', '2'], ['4'], ['3']]);
    deliveries[1]!.done();
    deliveries[2]!.done();
    await settled();
    lanes.dispatch(true);
    expect(deliveries).toHaveLength(3); // no empty batch, even for a closed shard
  });

  it('starts a batch once its window has passed, counted from the end of the lane’s previous invocation', async () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000);
    const { lanes, deliveries, push } = lanesUnderTest({ batchSize: 10, windowSeconds: 1 });
    push(left);
    now.mockReturnValue(1_999);
    lanes.dispatch(false);
    expect(deliveries).toHaveLength(0);
    now.mockReturnValue(2_000);
    lanes.dispatch(false);
    expect(deliveries.map((d) => d.batch)).toEqual([['1']]);
    now.mockReturnValue(5_000);
    deliveries[0]!.done();
    await settled();
    push(left);
    now.mockReturnValue(5_999);
    lanes.dispatch(false);
    expect(deliveries).toHaveLength(1);
    now.mockReturnValue(6_000);
    lanes.dispatch(false);
    expect(deliveries.map((d) => d.batch)).toEqual([['1'], ['2']]);
  });

  it('starts a full batch, or any batch of a closed shard, without waiting for the window', () => {
    jest.spyOn(Date, 'now').mockReturnValue(1_000);
    const { lanes, deliveries, push } = lanesUnderTest({ batchSize: 2, windowSeconds: 300 });
    push(left);
    push(right);
    lanes.dispatch(false);
    expect(deliveries).toHaveLength(0);
    push(left);
    lanes.dispatch(false);
    expect(deliveries.map((d) => d.batch)).toEqual([['1', '3']]);
    lanes.dispatch(true);
    expect(deliveries.map((d) => d.batch)).toEqual([['1', '3'], ['2']]);
  });

  it('starts no batch once the poller stops', async () => {
    const { lanes, deliveries, push, stop } = lanesUnderTest();
    push(left, 2);
    stop();
    lanes.dispatch(true);
    await lanes.drain();
    expect(deliveries).toHaveLength(0);
    expect(lanes.buffering).toBe(true);
  });

  it('holds the reader while a busy lane has a full batch waiting, or ten batches per lane are not yet checkpointed', () => {
    const { lanes, deliveries, push } = lanesUnderTest({ batchSize: 3 });
    expect([lanes.readRoom(0), lanes.readRoom(59)]).toEqual([60, 1]); // 2 lanes × 3 records × 10 batches
    expect([lanes.holdReading(59), lanes.holdReading(60), lanes.holdReading(61)]).toEqual([false, true, true]);
    push(left, 3);
    expect(lanes.holdReading(0)).toBe(false); // a full batch, but its lane is free to take it
    lanes.dispatch(false);
    push(left, 2);
    expect(lanes.holdReading(0)).toBe(false); // the lane is busy, but its next batch is not full
    push(left);
    expect(lanes.holdReading(0)).toBe(true);
    expect(deliveries).toHaveLength(1);
  });

  it('says whether records wait for a batch, and drops them all when the shard is read again', () => {
    const { lanes, push } = lanesUnderTest();
    expect(lanes.buffering).toBe(false);
    push(right);
    expect(lanes.buffering).toBe(true);
    push(left);
    lanes.clear();
    expect(lanes.buffering).toBe(false);
  });

  it('rethrows the first failed delivery once asked, and settles only when every batch in flight has ended', async () => {
    const { lanes, deliveries, push } = lanesUnderTest();
    push(left);
    push(right);
    lanes.dispatch(true);
    expect(() => lanes.throwIfFailed()).not.toThrow();
    let isSettled = false;
    const settling = lanes.settle().then(() => (isSettled = true));
    deliveries[0]!.fail(new Error('first'));
    await settled();
    expect(isSettled).toBe(false); // the other lane is still delivering
    deliveries[1]!.fail(new Error('second'));
    await settling;
    expect(() => lanes.throwIfFailed()).toThrow('first');
  });

  it('waits at most until a batch in flight completes', async () => {
    jest.useFakeTimers();
    const { lanes, deliveries, push } = lanesUnderTest();
    push(left);
    lanes.dispatch(true);
    const paused = lanes.pause(60_000); // the fake clock never gets there
    deliveries[0]!.done();
    await expect(paused).resolves.toBeUndefined();
  });

  it('drains a closed shard batch by batch, and rethrows a lane’s failure', async () => {
    const { lanes, deliveries, push } = lanesUnderTest({ windowSeconds: 300 });
    push(left, 5);
    const draining = lanes.drain();
    for (let i = 0; i < 3; i++) {
      await settled();
      deliveries[i]!.done();
    }
    await draining;
    expect(deliveries.map((d) => d.batch)).toEqual([['1', '2'], ['3', '4'], ['5']]);
    expect(lanes.buffering).toBe(false);

    const failing = lanesUnderTest();
    failing.push(right, 3);
    const failed = failing.lanes.drain();
    await settled();
    failing.deliveries[0]!.fail(new Error('throttled'));
    await expect(failed).rejects.toThrow('throttled');
    expect(failing.deliveries).toHaveLength(1); // the failed lane's next batch is never started
  });

  it('refuses a record when it has no lane to put it in', () => {
    const { lanes } = lanesUnderTest({ count: 0 });
    expect(() => lanes.bufferFor(record(left, 1))).toThrow('a record hashed to no lane');
  });
});
