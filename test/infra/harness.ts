/**
 * The Pulumi program under mocks, for tests: the runner lives in scripts/graph (so `npm run cost` prices the same
 * graph). Call once per test file: jest gives each file its own module registry, so its own Pulumi runtime.
 */
import { runStack as run, type RunMode, type StackRun } from '../../scripts/graph/mockedStack';

export { ACCOUNT, REGION, UNKNOWN, containsUnknown, stackConfig } from '../../scripts/graph/mockedStack';
export type { GraphResource, RegisteredUrn, RunMode, StackRun } from '../../scripts/graph/mockedStack';

export function runStack(stack: string, overrides: Record<string, unknown> = {}, mode: RunMode = 'update'): Promise<StackRun> {
  return run(stack, { overrides, mode });
}
