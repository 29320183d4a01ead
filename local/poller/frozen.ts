import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Lambda freezes an execution environment when its invocation times out: the late handler makes no more calls.
 * A handler the poller runs in its own process cannot be frozen, so its AWS clients are: an invocation runs inside
 * `runInvocation`, and a client `freezeAfterTimeout` was applied to refuses every call that invocation's code makes
 * past its deadline. A timed-out handler can therefore not write after its retry has started, and an order's
 * changes stay in order (a call already sent at the deadline still lands, as a request already on the wire would).
 * Calls from outside an invocation (the API sharing the client, in `npm start`) are never refused.
 */
const invocation = new AsyncLocalStorage<{ deadline: number }>();

export const runInvocation = <T>(deadline: number, run: () => T): T => invocation.run({ deadline }, run);

export class FrozenInvocationError extends Error {
  override readonly name = 'FrozenInvocationError';
}

const MIDDLEWARE = 'freezeAfterTimeout';

export function freezeAfterTimeout(client: DynamoDBDocumentClient): DynamoDBDocumentClient {
  if (client.middlewareStack.identify().some((entry) => entry.startsWith(MIDDLEWARE))) return client;
  client.middlewareStack.add(
    (next) => async (args) => {
      const current = invocation.getStore();
      if (current && Date.now() >= current.deadline) throw new FrozenInvocationError('the invocation timed out: Lambda would have frozen this handler');
      return next(args);
    },
    { step: 'initialize', name: MIDDLEWARE },
  );
  return client;
}
