import type { DynamoDBRecord } from 'aws-lambda';
import { BatchBuffer, recordBytes } from '../../local/poller/batches';
import { lambdaContext, serialiseResponse } from '../../local/poller/invocation';
import { compareSequence, endsOf, sequenceOf, toLambdaRecord } from '../../local/poller/lambdaEvent';
import { laneOf } from '../../local/poller/lanes';
import { RecordClock } from '../../local/poller/recordClock';
import { CheckpointWriter, ShardProgress } from '../../local/poller/shardProgress';

/**
 * The poller's pure parts at their edges, each expectation taken from the rule in their doc comments (and, for the
 * context and the record shapes, from Lambda's documentation): the checkpoint behind every lane, the batch cut at
 * its bounds, the lane an item's changes share. Found missing by mutation testing.
 */
describe('a shard’s progress', () => {
  it('moves the checkpoint over the unbroken run of done records at the front, never past one a lane still holds', () => {
    const progress = new ShardProgress('100');
    for (const seq of ['101', '102', '103', '104']) progress.read(seq, false);
    expect(progress.tracked).toBe(4);
    progress.complete('102');
    progress.complete('104');
    expect(progress.advance()).toBeUndefined(); // 101 is still held
    progress.complete('101');
    expect(progress.advance()).toBe('102');
    expect(progress.tracked).toBe(2);
    expect(progress.advance()).toBeUndefined(); // nothing moved since
    progress.complete('103');
    expect(progress.advance()).toBe('104');
    expect(progress.tracked).toBe(0);
  });

  it('counts a record filtered away as done when read, and one read as not done as held', () => {
    const progress = new ShardProgress();
    progress.read('7', true);
    progress.read('8', false);
    expect(progress.advance()).toBe('7');
    expect(progress.tracked).toBe(1);
  });

  it('never moves the checkpoint backwards or to where it stands', () => {
    const behind = new ShardProgress('500');
    behind.read('499', true);
    expect(behind.advance()).toBeUndefined();
    const same = new ShardProgress('500');
    same.read('500', true);
    expect(same.advance()).toBeUndefined();
    // Numerically, not as text: 1000 is past 999.
    const longer = new ShardProgress('999');
    longer.read('1000', true);
    expect(longer.advance()).toBe('1000');
  });

  it('forgets everything past the checkpoint on a rewind, and gives the checkpoint to read from', () => {
    const progress = new ShardProgress('10');
    progress.read('11', true);
    progress.read('12', false);
    expect(progress.advance()).toBe('11');
    expect(progress.rewind()).toBe('11');
    expect(progress.tracked).toBe(0);
    progress.read('12', false);
    progress.complete('12');
    expect(progress.advance()).toBe('12');
  });

  it('keeps counting right over thousands of records, however it compacts what it holds', () => {
    const progress = new ShardProgress();
    for (let seq = 1; seq <= 3000; seq++) progress.read(String(seq), false);
    for (let seq = 1; seq <= 2500; seq++) progress.complete(String(seq));
    expect(progress.advance()).toBe('2500');
    expect(progress.tracked).toBe(500);
    for (let seq = 2501; seq <= 3000; seq++) progress.complete(String(seq));
    expect(progress.advance()).toBe('3000');
    expect(progress.tracked).toBe(0);
  });
});

describe('a shard’s checkpoint writer', () => {
  it('saves each new checkpoint once, in order, and goes on after a failed save', async () => {
    const progress = new ShardProgress();
    const tried: string[] = [];
    const writer = new CheckpointWriter(progress, async (seq) => {
      tried.push(seq);
      if (seq === '1') throw new Error('throttled');
    });
    progress.read('1', true);
    await expect(writer.commit()).rejects.toThrow('throttled');
    // Nothing moved: no save, and the failed one is still what it reports.
    await expect(writer.commit()).rejects.toThrow('throttled');
    progress.read('2', true);
    await writer.commit();
    expect(tried).toEqual(['1', '2']);
    await writer.settle();
  });

  it('settles however the last save ended', async () => {
    const progress = new ShardProgress();
    const writer = new CheckpointWriter(progress, async () => {
      throw new Error('down');
    });
    progress.read('1', true);
    void writer.commit().catch(() => undefined);
    await expect(writer.settle()).resolves.toBeUndefined();
  });
});

describe('a batch buffer at its bounds', () => {
  const sized = (n: number, bytes: number): DynamoDBRecord => ({
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: String(n), NewImage: { pad: { S: 'x'.repeat(bytes) } } },
  });
  // The event as the poller counts it: the envelope, and each record with a comma.
  const counted = (records: DynamoDBRecord[]) => Buffer.byteLength('{"Records":[]}') + records.reduce((sum, r) => sum + recordBytes(r) + 1, 0);

  it('is full at exactly the batch size, not before', () => {
    const buffer = new BatchBuffer(3);
    buffer.push(sized(1, 10));
    buffer.push(sized(2, 10));
    expect(buffer.full).toBe(false);
    buffer.push(sized(3, 10));
    expect(buffer.full).toBe(true);
  });

  it('is full by payload only past the limit, and a batch may fill the limit exactly', () => {
    const records = [sized(1, 100), sized(2, 100)];
    const exact = new BatchBuffer(10, counted(records));
    for (const r of records) exact.push(r);
    expect(exact.full).toBe(false);
    expect(exact.take()).toEqual(records);
    const short = new BatchBuffer(10, counted(records) - 1);
    for (const r of records) short.push(r);
    expect(short.full).toBe(true);
    expect(short.take()).toEqual([records[0]]);
    expect(short.take()).toEqual([records[1]]);
  });

  it('starts empty again once cleared', () => {
    const buffer = new BatchBuffer(2, counted([sized(1, 500)]));
    buffer.push(sized(1, 600));
    expect(buffer.full).toBe(true);
    buffer.clear();
    expect([buffer.length, buffer.full]).toEqual([0, false]);
    buffer.push(sized(2, 10));
    expect(buffer.full).toBe(false);
    expect(buffer.take().map(sequenceOf)).toEqual(['2']);
  });
});

describe('lanes', () => {
  const change = (orderId: string, eventName: 'INSERT' | 'MODIFY'): DynamoDBRecord => ({ eventName, dynamodb: { Keys: { PK: { S: `ORDER#${orderId}` } } } });

  it('puts every change to one item in one lane, and spreads items over every lane', () => {
    const lanes = new Set<number>();
    for (let i = 0; i < 64; i++) {
      const lane = laneOf(change(`o${i}`, 'INSERT'), 4, 'PK');
      expect(laneOf(change(`o${i}`, 'MODIFY'), 4, 'PK')).toBe(lane);
      lanes.add(lane);
    }
    expect([...lanes].sort()).toEqual([0, 1, 2, 3]);
  });

  it('has one lane without parallelisation', () => {
    for (let i = 0; i < 16; i++) expect(laneOf(change(`o${i}`, 'INSERT'), 1, 'PK')).toBe(0);
  });
});

describe('records, sequence numbers and the handler’s context', () => {
  it('compares sequence numbers both ways', () => {
    expect([compareSequence('10', '9'), compareSequence('9', '10'), compareSequence('9', '9')]).toEqual([1, -1, 0]);
  });

  it('names a record without a sequence number by none, and refuses an empty batch', () => {
    expect(sequenceOf({ eventName: 'INSERT' })).toBe('');
    expect(() => endsOf([])).toThrow('a batch without records');
    const [a, b] = [{ dynamodb: { SequenceNumber: '1' } }, { dynamodb: { SequenceNumber: '2' } }];
    expect(endsOf([a, b])).toEqual({ first: a, last: b });
  });

  it('gives a userIdentity only the keys the stream record has', () => {
    expect(toLambdaRecord({ userIdentity: { Type: 'Service' }, dynamodb: {} }, 'arn').userIdentity).toEqual({ type: 'Service' });
    expect(toLambdaRecord({ userIdentity: { PrincipalId: 'dynamodb.amazonaws.com' }, dynamodb: {} }, 'arn').userIdentity).toEqual({
      principalId: 'dynamodb.amazonaws.com',
    });
  });

  it('keeps the first time a record was read', () => {
    let now = 1000;
    const clock = new RecordClock(() => now, 60);
    const r: DynamoDBRecord = { dynamodb: { ApproximateCreationDateTime: 990 } };
    clock.read(r);
    now = 1030;
    clock.read(r); // read again (a retry): it was still written by 1000
    expect(clock.writtenBy(r)).toBe(1000);
  });

  it('hands the handler Lambda’s context: the unpublished version and the function’s own log group', () => {
    const context = lambdaContext({ functionName: 'orders-processor', functionArn: 'arn:fn', awsRequestId: 'r1', deadline: Date.now() + 1000 });
    expect(context).toMatchObject({
      functionName: 'orders-processor',
      functionVersion: '$LATEST',
      logGroupName: '/aws/lambda/orders-processor',
      awsRequestId: 'r1',
    });
    expect(serialiseResponse(undefined)).toEqual({ kind: 'returned', responseJson: undefined });
    expect(serialiseResponse(null)).toEqual({ kind: 'returned', responseJson: 'null' });
  });
});
