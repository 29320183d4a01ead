import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from 'aws-lambda';
import { orderToItem } from '../../core/tableItems';
import { LOCAL_AWS } from '../../local/dynamodb';
import { PollerState, pollerStateTableName } from '../../local/poller/state';
import { createTestTable, standIns, type TestTable } from '../support/env';
import { storedOrder, storesOf } from '../support/pipeline';
import { scratchDir } from '../support/scratch';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

let table: TestTable;
let state: PollerState;
beforeAll(async () => {
  table = await createTestTable();
  const admin = new DynamoDBClient({ ...LOCAL_AWS, endpoint: standIns().dynamoEndpoint });
  await PollerState.ensureTable(admin, pollerStateTableName(table.tableName));
  admin.destroy();
  state = new PollerState(table.db, pollerStateTableName(table.tableName));
});
afterAll(() => table.drop());

/** `npm run dlq` as a user runs it: a separate process finding the stack through the same settings. */
const dlq = (...args: string[]) =>
  run(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/dlq/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DYNAMODB_PORT: new URL(standIns().dynamoEndpoint).port, TABLE_NAME: table.tableName },
  });

const scratch = scratchDir('dlq');

describe('npm run dlq', () => {
  it('lists dead letters and redrives them through the real processor', async () => {
    expect((await dlq('list')).stdout).toContain('The dead-letter store is empty.');

    const order = await storedOrder(table, { sku: 'KB-001', quantity: 2, unitPrice: 8900 });
    const record = {
      eventName: 'INSERT' as const,
      eventSourceARN: table.streamArn,
      dynamodb: { SequenceNumber: '42', NewImage: marshall(orderToItem(order)) as Record<string, AttributeValue> },
    };
    await state.addDeadLetter({
      id: '01JDLQTEST0000000000000000',
      records: [record],
      lastError: 'injected fault',
      onFailure: {
        requestContext: { requestId: 'r', functionArn: 'arn', condition: 'RetryAttemptsExhausted', approximateInvokeCount: 6 },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        version: '1.0',
        timestamp: '2026-11-25T00:00:00.000Z',
        DDBStreamBatchInfo: {
          shardId: 's',
          startSequenceNumber: '42',
          endSequenceNumber: '42',
          approximateArrivalOfFirstRecord: '',
          approximateArrivalOfLastRecord: '',
          batchSize: 1,
          streamArn: table.streamArn,
        },
      },
    });

    const listed = (await dlq('list')).stdout;
    expect(listed).toContain('01JDLQTEST0000000000000000');
    expect(listed).toContain(order.orderId);
    expect(listed).toContain('injected fault');

    const redriven = await dlq('redrive');
    expect(redriven.stdout).toContain('redriven 01JDLQTEST0000000000000000: 1 records processed');
    expect((await storesOf(table).orders.get(order.orderId))!.status).toBe('CONFIRMED');
    expect(await state.deadLetters()).toEqual([]);
  }, 60_000);

  it('explains its usage', async () => {
    await expect(dlq('purge')).rejects.toMatchObject({ stderr: expect.stringContaining('usage: npm run dlq -- list | redrive') });
  }, 60_000);

  it('with --stack, names the stack it does not know and the outputs it lacks', async () => {
    await expect(dlq('list', '--stack', 'prod')).rejects.toMatchObject({
      stderr: expect.stringContaining("--stack must be one of development, stage, main, got 'prod'"),
    });
    const outputs = path.join(scratch, 'outputs.json');
    writeFileSync(outputs, JSON.stringify({ apiUrl: 'https://orders-stage.example.com', region: 'eu-west-1' }));
    await expect(dlq('redrive', '--stack', 'stage', '--outputs', outputs)).rejects.toMatchObject({
      stderr: expect.stringMatching(/the outputs of stack stage lack what npm run dlq needs: dlqUrl .*; processorFunctionName /),
    });
  }, 60_000);
});
