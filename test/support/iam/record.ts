import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { operationOf } from '../../../core/tracing/awsCalls';
import { iamRequests, type IamRequest } from './actions';

/**
 * Records every AWS call the API and the processor make while the tests run, as IAM requests with the role
 * that would make them in AWS: calls inside an HTTP request to a Koa app are the API task role's, calls inside
 * the processor's handler (its batch processor) are the processor role's. Test code's own calls (table setup,
 * scans for assertions, the local poller's stream reads) carry no role and are not recorded.
 */
export type Role = 'api' | 'processor';
export interface RecordedCall extends IamRequest {
  role: Role;
  operation: string;
  testFile: string;
}

export const callerRole = new AsyncLocalStorage<Role>();
const recorded = new Map<string, RecordedCall>();

export function record(role: Role, commandName: string, input: Record<string, unknown>, testFile: string): void {
  for (const request of iamRequests(commandName, input)) {
    const call = { role, operation: operationOf(commandName), testFile, ...request };
    recorded.set(`${role} ${call.action} ${call.index ?? ''} ${call.operation}`, call);
  }
}

export const recordedCalls = (): RecordedCall[] => [...recorded.values()];

/** Removes and returns the calls that match (a test that provokes a forbidden call on purpose takes it back). */
export function takeRecordedCalls(match: (call: RecordedCall) => boolean): RecordedCall[] {
  const taken = [...recorded.entries()].filter(([, call]) => match(call));
  for (const [key] of taken) recorded.delete(key);
  return taken.map(([, call]) => call);
}

/** Appends this test file's calls to the run's record (IAM_CALLS_DIR, set by globalSetup). */
export function flushRecordedCalls(): void {
  const dir = process.env.IAM_CALLS_DIR;
  if (!dir || recorded.size === 0) return;
  appendFileSync(
    path.join(dir, `calls-${process.pid}.jsonl`),
    recordedCalls()
      .map((c) => `${JSON.stringify(c)}\n`)
      .join(''),
  );
  recorded.clear();
}
