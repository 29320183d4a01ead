import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { deployedProcessor } from '../../scripts/dlq/deployedProcessor';
import { sqsFailedBatches } from '../../scripts/dlq/sqsQueue';

/**
 * SQS and Lambda cannot run here: the adapters `npm run dlq -- --stack` uses are checked on recorded HTTP
 * answers, through the real SDK clients (serialisation, SQS's MD5 check, Lambda's error header included).
 */
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders-processor-dlq-stage';

/** The on-failure record from the Lambda developer guide (DynamoDB, "Retaining discarded batches"). */
const ON_FAILURE = JSON.stringify({
  requestContext: {
    requestId: '316aa6d0-8154-xmpl-9af7-85d5f4a6bc81',
    functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:myfunction',
    condition: 'RetryAttemptsExhausted',
    approximateInvokeCount: 1,
  },
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  version: '1.0',
  timestamp: '2019-11-14T00:13:49.717Z',
  DDBStreamBatchInfo: {
    shardId: 'shardId-00000001573689847184-864758bb',
    startSequenceNumber: '800000000003126276362',
    endSequenceNumber: '800000000003126276362',
    approximateArrivalOfFirstRecord: '2019-11-14T00:13:19Z',
    approximateArrivalOfLastRecord: '2019-11-14T00:13:19Z',
    batchSize: 1,
    streamArn: 'arn:aws:dynamodb:us-east-2:123456789012:table/mytable/stream/2019-11-14T00:04:06.388',
  },
});

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const message = (id: string, body: string) => ({ MessageId: id, ReceiptHandle: `receipt-${id}`, MD5OfBody: md5(body), Body: body });

/** A client whose every request gets the next recorded answer; what it sent is kept. */
function recorded<T extends SQSClient | LambdaClient>(
  make: (handler: object) => T,
  answers: Array<{ status?: number; headers?: Record<string, string>; body: string }>,
) {
  const sent: Array<{ target: string; body: string }> = [];
  const client = make({
    handle: async (request: { headers: Record<string, string>; path: string; body?: unknown }) => {
      const target = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'x-amz-target')?.[1];
      const body = request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : String(request.body ?? '');
      sent.push({ target: target ?? request.path, body });
      const answer = answers.shift() ?? { body: '{}' };
      return {
        response: {
          statusCode: answer.status ?? 200,
          headers: { 'content-type': 'application/x-amz-json-1.0', ...answer.headers },
          body: Readable.from([Buffer.from(answer.body)]),
        },
      };
    },
  });
  return { client, sent };
}
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('the on-failure queue in SQS', () => {
  it('receives every message once, parses on-failure records, and deletes or releases each as told', async () => {
    const { client, sent } = recorded(
      (requestHandler) => new SQSClient({ region: 'eu-west-1', credentials, requestHandler }),
      [
        { body: JSON.stringify({ Messages: [message('m-1', ON_FAILURE), message('m-2', 'hello')] }) },
        // A standard queue may hand a message out again: listed once, settled with its latest receipt handle.
        { body: JSON.stringify({ Messages: [{ ...message('m-1', ON_FAILURE), ReceiptHandle: 'receipt-m-1-again' }] }) },
        { body: JSON.stringify({}) },
        { body: '{}' },
        { body: '{}' },
        { body: '{}' },
      ],
    );
    const queue = sqsFailedBatches(client, QUEUE_URL, 300);
    const { batches, unreadable } = await queue.receiveAll();
    expect(batches.map((b) => [b.id, b.onFailure.DDBStreamBatchInfo.startSequenceNumber])).toEqual([['m-1', '800000000003126276362']]);
    expect(unreadable).toEqual([{ id: 'm-2', error: expect.stringMatching(/^not JSON/) }]);
    expect(sent.filter((s) => s.target === 'AmazonSQS.ReceiveMessage').map((s) => JSON.parse(s.body))).toEqual(
      Array(3).fill({ QueueUrl: QUEUE_URL, MaxNumberOfMessages: 10, VisibilityTimeout: 300, WaitTimeSeconds: 1 }),
    );

    await queue.hold('m-1');
    await queue.settle('m-1', true);
    await queue.settle('m-2', false);
    expect(sent.slice(3).map((s) => [s.target, JSON.parse(s.body)])).toEqual([
      ['AmazonSQS.ChangeMessageVisibility', { QueueUrl: QUEUE_URL, ReceiptHandle: 'receipt-m-1-again', VisibilityTimeout: 300 }],
      ['AmazonSQS.DeleteMessage', { QueueUrl: QUEUE_URL, ReceiptHandle: 'receipt-m-1-again' }],
      ['AmazonSQS.ChangeMessageVisibility', { QueueUrl: QUEUE_URL, ReceiptHandle: 'receipt-m-2', VisibilityTimeout: 0 }],
    ]);
    await expect(queue.settle('m-1', true)).rejects.toThrow('message m-1 was not received');
  });

  it('accepts functionError null, as other mappings write it', async () => {
    const body = JSON.stringify({ ...JSON.parse(ON_FAILURE), responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: null } });
    const { client } = recorded(
      (requestHandler) => new SQSClient({ region: 'eu-west-1', credentials, requestHandler }),
      [{ body: JSON.stringify({ Messages: [message('m-4', body)] }) }, { body: '{}' }],
    );
    const { batches, unreadable } = await sqsFailedBatches(client, QUEUE_URL).receiveAll();
    expect([batches.map((b) => b.id), unreadable]).toEqual([['m-4'], []]);
  });

  it('names what is wrong with a message that is JSON but not an on-failure record', async () => {
    const body = JSON.stringify({ ...JSON.parse(ON_FAILURE), DDBStreamBatchInfo: { shardId: 's' } });
    const { client } = recorded(
      (requestHandler) => new SQSClient({ region: 'eu-west-1', credentials, requestHandler }),
      [{ body: JSON.stringify({ Messages: [message('m-3', body)] }) }, { body: '{}' }],
    );
    const { unreadable } = await sqsFailedBatches(client, QUEUE_URL).receiveAll();
    expect(unreadable[0]!.error).toMatch(/^not a DynamoDB stream on-failure record: DDBStreamBatchInfo\.startSequenceNumber/);
  });
});

describe('the deployed processor', () => {
  const event = { Records: [], redrive: { deadLetterId: 'm-1' } };

  it('is invoked synchronously with the redrive event and answers with its batch response', async () => {
    const { client, sent } = recorded(
      (requestHandler) => new LambdaClient({ region: 'eu-west-1', credentials, requestHandler }),
      [{ headers: { 'x-amz-executed-version': '$LATEST' }, body: JSON.stringify({ batchItemFailures: [{ itemIdentifier: '42' }] }) }, { body: 'null' }],
    );
    const invoke = deployedProcessor(client, 'orders-processor-stage');
    expect(await invoke(event)).toEqual({ batchItemFailures: [{ itemIdentifier: '42' }] });
    expect(sent[0]!.target).toBe('/2015-03-31/functions/orders-processor-stage/invocations');
    expect(JSON.parse(sent[0]!.body)).toEqual(event);
    expect(await invoke(event)).toEqual({ batchItemFailures: [] }); // a handler that returns nothing succeeded
  });

  it('turns a function error into a failure that says what went wrong', async () => {
    const { client } = recorded(
      (requestHandler) => new LambdaClient({ region: 'eu-west-1', credentials, requestHandler }),
      [{ headers: { 'x-amz-function-error': 'Unhandled' }, body: JSON.stringify({ errorType: 'Error', errorMessage: 'table not found', trace: [] }) }],
    );
    await expect(deployedProcessor(client, 'orders-processor-stage')(event)).rejects.toThrow(
      'orders-processor-stage failed (Unhandled): Error: table not found',
    );
  });
});
