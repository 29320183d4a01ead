import { randomUUID } from 'node:crypto';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamHandler } from '../../core/streamHandler';
import type { InvokeResult } from './deliver';
import { runInvocation } from './frozen';
import { lambdaContext, serialiseResponse, timedOutError, type InvocationMeta, type RawOutcome } from './invocation';
import { sequenceOf } from './lambdaEvent';
import type { SandboxPool } from './sandbox';

export interface FunctionUnderTest {
  /** Run in the poller's own process: a timed-out invocation runs on, its frozen clients refusing its calls (frozen.ts). */
  handler?: StreamHandler;
  /** Or each invocation in a sandbox of its own (a worker thread), stopped when the invocation times out. */
  sandboxes?: SandboxPool;
  functionName: string;
  functionArn: string;
  /** The deployed function's timeout: a slower invocation is a function error, as in Lambda. */
  timeoutMs: number;
  reportBatchItemFailures: boolean;
}

/**
 * One Lambda invocation as Lambda makes it: the event crosses a JSON boundary both ways (the handler gets a
 * copy it may mutate without seeing the change on a retry, only what serialises comes back, and a response that
 * does not serialise is a function error), and the invocation fails when it outlives the function's timeout.
 * In a sandbox the timed-out handler is stopped before the invocation fails, as Lambda stops the sandbox; a
 * handler run in-process runs on, but the clients frozen after its timeout (frozen.ts) refuse its calls, and
 * whatever it returns later is ignored.
 */
export async function invokeFunction(fn: FunctionUnderTest, records: DynamoDBRecord[]): Promise<InvokeResult> {
  const eventJson = JSON.stringify({ Records: records });
  const meta: InvocationMeta = { functionName: fn.functionName, functionArn: fn.functionArn, awsRequestId: randomUUID(), deadline: Date.now() + fn.timeoutMs };
  const outcome = fn.sandboxes ? await fn.sandboxes.invoke(eventJson, meta, fn.timeoutMs) : await invokeInProcess(fn, eventJson, meta);
  if (outcome.kind === 'error') return outcome;
  const response = outcome.responseJson === undefined ? undefined : (JSON.parse(outcome.responseJson) as unknown);
  return fn.reportBatchItemFailures ? readBatchResponse(records, response) : { kind: 'ok' };
}

const TIMED_OUT = Symbol('timed out');

async function invokeInProcess(fn: FunctionUnderTest, eventJson: string, meta: InvocationMeta): Promise<RawOutcome> {
  const { handler } = fn;
  if (!handler) throw new Error(`function ${fn.functionName} has neither a handler nor a sandbox`);
  const event = JSON.parse(eventJson) as DynamoDBStreamEvent;
  // Inside its invocation, so clients frozen after the timeout (frozen.ts) refuse its late calls.
  const running = runInvocation(meta.deadline, () => Promise.resolve().then(() => handler(event, lambdaContext(meta))));
  running.catch(() => undefined); // a late rejection after a timeout is not an unhandled one
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), fn.timeoutMs)));
  try {
    const outcome = await Promise.race([running, timeout]);
    return outcome === TIMED_OUT ? { kind: 'error', error: timedOutError(fn.timeoutMs) } : serialiseResponse(outcome);
  } catch (err) {
    return { kind: 'error', error: (err as Error)?.message ?? String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How Lambda reads a ReportBatchItemFailures response ("Configuring partial batch response with DynamoDB and
 * Lambda"). Success: no response, or an empty or null list. Whole-batch failure: an itemIdentifier that is empty,
 * null or under another key name, and (not documented) a list that is not a list, or an identifier that names no
 * record of the batch, so a wrong response can never make the checkpoint skip a record. The function returned
 * normally, so these are not function errors: no bisecting, and no `functionError` in the on-failure record.
 */
export function readBatchResponse(records: readonly DynamoDBRecord[], response: unknown): InvokeResult {
  const failures = (response as DynamoDBBatchResponse | null | undefined)?.batchItemFailures as unknown;
  if (failures === undefined || failures === null) return { kind: 'ok' };
  if (!Array.isArray(failures)) return { kind: 'failed', error: 'batchItemFailures is not a list: the whole batch failed' };
  if (failures.length === 0) return { kind: 'ok' };
  const positions = failures.map((f: { itemIdentifier?: unknown } | null) => {
    const id = f?.itemIdentifier;
    return typeof id === 'string' && id !== '' ? records.findIndex((r) => sequenceOf(r) === id) : -1;
  });
  if (positions.some((p) => p < 0)) return { kind: 'failed', error: 'batchItemFailures named no record of the batch: the whole batch failed' };
  return { kind: 'partial', firstFailed: Math.min(...positions), error: `${failures.length} record(s) reported failed` };
}
