import { DescribeStreamCommand, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { orderKey, orderTable } from '../../core/table';
import { LOCAL_AWS } from '../../local/dynamodb';
import { laneOf } from '../../local/poller/lanes';
import { compareSequence } from '../../local/poller/lambdaEvent';
import { standIns, type TestTable } from '../support/env';
import { eventually, startTestPoller } from '../support/pipeline';
import { idOf, ids, ok, seqOf, streamFixture, writeOrders } from '../support/streamScript';

/**
 * ParallelizationFactor on DynamoDB Local's real stream: a shard's records go to lanes by partition key, lanes
 * run concurrently, an item's changes stay in order in one lane, and the shard's checkpoint never passes a
 * record a lane still holds, so a restart redelivers it (and what came after it) rather than losing it.
 */
const stream = streamFixture();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Each order's two deliverable changes: its INSERT (PENDING) and, after a filtered CONFIRMED, its cancel. */
async function placeAndCancel(table: TestTable, orderIds: string[]) {
  await writeOrders(table, orderIds);
  for (const status of ['CONFIRMED', 'CANCELLED']) {
    for (const orderId of orderIds) {
      await table.db.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: orderKey(orderId),
          UpdateExpression: 'SET #s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': status },
        }),
      );
    }
  }
}

interface Invocation {
  records: DynamoDBRecord[];
  startedAt: number;
  endedAt?: number;
}

/** Records every invocation with its timing; `hold(id)` keeps invocations with that order waiting. */
function observedHandler(options: { slowMs?: number } = {}) {
  const invocations: Invocation[] = [];
  const held = new Map<string, { release: (outcome: 'ok' | 'fail') => void; until: Promise<'ok' | 'fail'> }>();
  let active = 0;
  let maxActive = 0;
  const handler = async (event: DynamoDBStreamEvent) => {
    const invocation: Invocation = { records: event.Records, startedAt: Date.now() };
    invocations.push(invocation);
    maxActive = Math.max(maxActive, ++active);
    try {
      await sleep(options.slowMs ?? 0);
      for (const record of event.Records) {
        const hold = held.get(idOf(record));
        if (hold && (await hold.until) === 'fail') throw new Error(`${idOf(record)} failed`);
      }
      return ok();
    } finally {
      active--;
      invocation.endedAt = Date.now();
    }
  };
  const hold = (orderId: string) => {
    let release!: (outcome: 'ok' | 'fail') => void;
    const until = new Promise<'ok' | 'fail'>((resolve) => (release = resolve));
    held.set(orderId, { release, until });
    return release;
  };
  return { handler, invocations, hold, maxActive: () => maxActive, delivered: () => invocations.flatMap((i) => i.records) };
}

const laneOfOrder = (orderId: string) => laneOf({ dynamodb: { Keys: { PK: { S: orderKey(orderId).PK } } } }, 4, orderTable.hashKey);

async function onlyShard(table: TestTable): Promise<string> {
  const streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: standIns().dynamoEndpoint });
  try {
    const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: table.streamArn }))).StreamDescription!.Shards!;
    expect(shards).toHaveLength(1);
    return shards[0]!.ShardId!;
  } finally {
    streams.destroy();
  }
}

it('runs lanes concurrently, one partition key per lane, each order’s changes in sequence', async () => {
  const orders = ids('lane', 24);
  await placeAndCancel(stream.table, orders);
  const observed = observedHandler({ slowMs: 60 });
  stream.running = await startTestPoller(stream.table, observed.handler, { settings: { parallelizationFactor: 4, batchSize: 5 } });
  await eventually(async () => observed.delivered().length === 48 && observed.invocations.every((i) => i.endedAt), 20_000, 'every change delivered');

  expect(observed.maxActive()).toBeGreaterThan(1);
  expect(observed.maxActive()).toBeLessThanOrEqual(4);
  for (const invocation of observed.invocations) {
    const lanes = new Set(invocation.records.map((r) => laneOf(r, 4, orderTable.hashKey)));
    expect(lanes.size).toBe(1); // a batch never mixes lanes
  }
  expect(new Set(observed.delivered().map((r) => laneOf(r, 4, orderTable.hashKey))).size).toBeGreaterThan(1);
  for (const orderId of orders) {
    const [insert, cancel] = observed.invocations.filter((i) => i.records.some((r) => idOf(r) === orderId));
    const changes = observed
      .delivered()
      .filter((r) => idOf(r) === orderId)
      .map((r) => r.eventName);
    expect(changes).toEqual(['INSERT', 'MODIFY']);
    // The cancel's invocation starts only once the INSERT's has ended (or it is the same invocation, in order).
    if (cancel) expect(cancel.startedAt).toBeGreaterThanOrEqual(insert!.endedAt!);
  }
});

it('keeps the checkpoint behind a record its lane still holds, and a restart redelivers from there', async () => {
  const orders = ids('held', 16);
  await writeOrders(stream.table, orders);
  const shardId = await onlyShard(stream.table);
  const stateTable = `poller-lanes-${stream.table.tableName}`;
  const checkpoint = async () => (await stream.running!.state.checkpoint(stream.table.streamArn, shardId)).sequenceNumber;
  const heldOrder = orders[5]!;
  const first = observedHandler();
  const release = first.hold(heldOrder);
  stream.running = await startTestPoller(stream.table, first.handler, { settings: { parallelizationFactor: 4, batchSize: 2 }, stateTable });

  // Every lane but the held order's gets through all its records.
  const othersDone = () => first.invocations.filter((i) => i.endedAt).flatMap((i) => i.records);
  const heldInvocation = () => first.invocations.find((i) => i.records.some((r) => idOf(r) === heldOrder));
  const otherLanes = orders.filter((id) => laneOfOrder(id) !== laneOfOrder(heldOrder));
  expect(otherLanes.length).toBeGreaterThan(0);
  await eventually(async () => heldInvocation() && otherLanes.every((id) => othersDone().some((r) => idOf(r) === id)), 20_000, 'the other lanes');
  await sleep(300);
  const all = [...othersDone(), ...heldInvocation()!.records].sort((a, b) => compareSequence(seqOf(a), seqOf(b)));
  const held = heldInvocation()!.records[0]!;
  expect(othersDone().some((r) => compareSequence(seqOf(r), seqOf(held)) > 0)).toBe(true); // later records are done…
  const before = all.slice(0, all.indexOf(held));
  expect(before.length).toBeGreaterThan(0);
  expect(await checkpoint()).toBe(seqOf(before.at(-1)!)); // …yet the checkpoint stops just before the held record

  // The process goes down with the lane in flight: its invocation fails and nothing more is tried.
  const stopping = stream.running.stop();
  release('fail');
  await stopping;
  expect(await checkpoint()).toBe(seqOf(before.at(-1)!));

  const second = observedHandler();
  stream.running = await startTestPoller(stream.table, second.handler, { settings: { parallelizationFactor: 4, batchSize: 2 }, stateTable });
  // Nothing is lost, nothing before the checkpoint comes again: the restart redelivers from the held record on
  // (orders were written in id order), and the checkpoint reaches the shard's last record.
  const redelivered = orders.slice(orders.indexOf(idOf(held)));
  await eventually(async () => second.delivered().length === redelivered.length, 20_000, 'the redelivery');
  expect(second.delivered().map(idOf).sort()).toEqual(redelivered);
  const last = second
    .delivered()
    .sort((a, b) => compareSequence(seqOf(a), seqOf(b)))
    .at(-1)!;
  expect(idOf(last)).toBe(orders.at(-1));
  await eventually(async () => (await checkpoint()) === seqOf(last), 10_000, 'the checkpoint at the last record');
});
