/**
 * Jest setup for every test file (jest.config.js setupFilesAfterEach): installs the IAM call recorder
 * (record.ts) on this file's module registry, and writes what it saw when the file ends.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import Koa from 'koa';
import { Fulfilment } from '../../../core/store/fulfilment';
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

// The processor: everything its Fulfilment does.
for (const name of Object.getOwnPropertyNames(Fulfilment.prototype)) {
  const method = (Fulfilment.prototype as unknown as Record<string, unknown>)[name];
  if (name === 'constructor' || typeof method !== 'function') continue;
  (Fulfilment.prototype as unknown as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
    return callerRole.run('processor', () => (method as (...a: unknown[]) => unknown).apply(this, args));
  };
}

afterAll(() => flushRecordedCalls());
