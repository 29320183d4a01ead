/**
 * Jest setup for every test file (jest.config.js setupFilesAfterEach): installs the IAM call recorder
 * (record.ts) on this file's module registry, and writes what it saw when the file ends.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import Koa from 'koa';
import { BatchProcessor } from '@aws-lambda-powertools/batch';
import { callerRole, flushRecordedCalls, record } from './record';

const testFile = () => expect.getState().testPath ?? 'unknown';

for (const Client of [DynamoDBClient, DynamoDBDocumentClient] as Array<{ prototype: { send: (...args: unknown[]) => unknown } }>) {
  const inherited = Object.getPrototypeOf(Client.prototype).send as (...args: unknown[]) => unknown;
  Object.defineProperty(Client.prototype, 'send', {
    configurable: true,
    writable: true,
    value: function send(this: unknown, command: { constructor: { name: string }; input: Record<string, unknown> }, ...rest: unknown[]) {
      const role = callerRole.getStore();
      if (role) record(role, command.constructor.name, command.input, testFile());
      return inherited.call(this, command, ...rest);
    },
  });
}

// The API: everything a Koa app does while it answers a request.
const callback = Koa.prototype.callback;
Koa.prototype.callback = function (this: Koa) {
  const handle = callback.call(this);
  return (req, res) => callerRole.run('api', () => handle(req, res));
};

// The processor: everything its handler does while Powertools' batch processor works through a batch.
const processBatch = BatchProcessor.prototype.process;
BatchProcessor.prototype.process = function (this: BatchProcessor) {
  return callerRole.run('processor', () => processBatch.call(this));
};

afterAll(() => flushRecordedCalls());
