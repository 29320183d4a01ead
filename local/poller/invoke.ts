import { randomUUID } from 'node:crypto';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamHandler } from '../../core/streamHandler';
import type { InvokeResult } from './deliver';
import { sequenceOf } from './lambdaEvent';

export interface FunctionUnderTest {
  handler: StreamHandler;
  functionName: string;
  functionArn: string;
  /** The deployed function's timeout: a slower invocation is a function error, as in Lambda. */
  timeoutMs: number;
  reportBatchItemFailures: boolean;
}

const TIMED_OUT = Symbol('timed out');

/**
 * One Lambda invocation as Lambda makes it: the event crosses a JSON boundary both ways (the handler gets a
 * copy it may mutate without seeing the change on a retry, and only what serialises comes back), and the
 * invocation fails when it outlives the function's timeout. Locally a timed-out handler cannot be frozen the
 * way Lambda freezes its sandbox: it runs on, and whatever it returns later is ignored.
 */
export async function invokeFunction(fn: FunctionUnderTest, records: DynamoDBRecord[]): Promise<InvokeResult> {
  const event = JSON.parse(JSON.stringify({ Records: records })) as DynamoDBStreamEvent;
  const context = lambdaContext(fn);
  const running = Promise.resolve().then(() => fn.handler(event, context));
  running.catch(() => undefined); // a late rejection after a timeout is not an unhandled one
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), fn.timeoutMs)));
  let outcome: DynamoDBBatchResponse | void | typeof TIMED_OUT;
  try {
    outcome = await Promise.race([running, timeout]);
  } catch (err) {
    return { kind: 'error', error: (err as Error)?.message ?? String(err) };
  } finally {
    clearTimeout(timer);
  }
  if (outcome === TIMED_OUT) return { kind: 'error', error: `Task timed out after ${(fn.timeoutMs / 1000).toFixed(2)} seconds` };
  const response = outcome === undefined ? undefined : (JSON.parse(JSON.stringify(outcome)) as unknown);
  return fn.reportBatchItemFailures ? readBatchResponse(records, response) : { kind: 'ok' };
}

/**
 * How Lambda reads a ReportBatchItemFailures response. Success: no response, or an empty or absent list.
 * Whole-batch failure: an itemIdentifier that is empty, null or missing. AWS does not say what happens when
 * a well-formed identifier names a record that is not in the batch; we treat it as a whole-batch failure too,
 * so a wrong identifier can never make the checkpoint skip a record.
 */
export function readBatchResponse(records: readonly DynamoDBRecord[], response: unknown): InvokeResult {
  const failures = (response as DynamoDBBatchResponse | null | undefined)?.batchItemFailures ?? [];
  if (!Array.isArray(failures) || failures.length === 0) return { kind: 'ok' };
  const positions = failures.map((f: { itemIdentifier?: unknown } | null) => {
    const id = f?.itemIdentifier;
    return typeof id === 'string' && id !== '' ? records.findIndex((r) => sequenceOf(r) === id) : -1;
  });
  if (positions.some((p) => p < 0)) return { kind: 'error', error: 'batchItemFailures named a record not in the batch' };
  return { kind: 'partial', firstFailed: Math.min(...positions), error: `${failures.length} record(s) reported failed` };
}

function lambdaContext(fn: FunctionUnderTest): Context {
  const deadline = Date.now() + fn.timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: fn.functionArn,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
