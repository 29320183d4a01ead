import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ENTITY, orderKey } from '../../core/table';
import { createTestTable, type TestTable } from './env';
import type { TestPoller } from './pipeline';

/** Helpers for poller contract tests: new orders on the real stream, and a handler that follows a script. */
export const idOf = (r: DynamoDBRecord) => r.dynamodb!.NewImage!.orderId!.S!;
export const seqOf = (r: DynamoDBRecord) => r.dynamodb!.SequenceNumber!;

export async function writeOrders(table: TestTable, ids: string[], extra: Record<string, unknown> = {}) {
  for (const orderId of ids) {
    await table.db.send(
      new PutCommand({ TableName: table.tableName, Item: { ...orderKey(orderId), entityType: ENTITY.order, orderId, status: 'PENDING', ...extra } }),
    );
  }
}

export type Script = (event: DynamoDBStreamEvent, call: number) => Promise<DynamoDBBatchResponse> | DynamoDBBatchResponse;

/** A handler that records the order ids of each invocation and answers as `script` says. */
export function scripted(script: Script) {
  const calls: string[][] = [];
  const handler = async (event: DynamoDBStreamEvent) => {
    calls.push(event.Records.map(idOf));
    return script(event, calls.length);
  };
  return { calls, handler };
}

export const ok = (): DynamoDBBatchResponse => ({ batchItemFailures: [] });
export const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);

/**
 * A fresh unseeded table per test, and the poller a test starts on it (`running`), stopped and dropped after
 * each test.
 */
export function streamFixture(): { table: TestTable; running?: TestPoller } {
  const fixture = {} as { table: TestTable; running?: TestPoller };
  beforeEach(async () => {
    fixture.table = await createTestTable({ seed: false });
  });
  afterEach(async () => {
    await fixture.running?.stop();
    delete fixture.running;
    await fixture.table.drop();
  });
  return fixture;
}
