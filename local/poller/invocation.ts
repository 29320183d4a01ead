import type { Context } from 'aws-lambda';

/** What a handler's `context` is made from: the function, the request, and when the invocation times out. */
export interface InvocationMeta {
  functionName: string;
  functionArn: string;
  awsRequestId: string;
  /** Epoch milliseconds at which the invocation times out. */
  deadline: number;
}

/** What the invocation gave back, before the mapping reads it: a serialised response, or a function error. */
export type RawOutcome = { kind: 'returned'; responseJson: string | undefined } | { kind: 'error'; error: string };

/** What Lambda's Node.js runtime answers when the handler's result does not serialise (Runtime.JSONStringifyError). */
export const UNSERIALISABLE_RESPONSE = 'Unable to stringify response body';

export const timedOutError = (timeoutMs: number) => `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`;

/** The response as the runtime serialises it (no response stays none); one that does not serialise is a function error. */
export function serialiseResponse(response: unknown): RawOutcome {
  try {
    return { kind: 'returned', responseJson: response === undefined ? undefined : JSON.stringify(response) };
  } catch {
    return { kind: 'error', error: UNSERIALISABLE_RESPONSE };
  }
}

/** The `context` Lambda hands the handler, built the same way in the poller's process and in a sandbox. */
export function lambdaContext(meta: InvocationMeta): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: meta.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: meta.functionArn,
    memoryLimitInMB: '512',
    awsRequestId: meta.awsRequestId,
    logGroupName: `/aws/lambda/${meta.functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, meta.deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
