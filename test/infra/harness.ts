/**
 * The Pulumi program under mocks, for tests: the runner lives in scripts/graph (so `npm run cost` prices the same
 * graph). Call once per test file: jest gives each file its own module registry, so its own Pulumi runtime.
 */
import { runStack as run } from '../../scripts/graph/mockedStack';
import type { RunMode, StackRun } from '../../scripts/graph/stackRun';

export { ACCOUNT, REGION, stackConfig } from '../../scripts/graph/programs';
export { UNKNOWN, containsUnknown } from '../../scripts/graph/unknowns';
export type { GraphResource, RegisteredUrn, RunMode, StackRun } from '../../scripts/graph/stackRun';

export function runStack(stack: string, overrides: Record<string, unknown> = {}, mode: RunMode = 'update'): Promise<StackRun> {
  return run(stack, { overrides, mode });
}
