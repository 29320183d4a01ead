import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundle, processorBundle } from '../../build/bundles';
import { runStackInProcess } from '../../scripts/graph/runStackInProcess';
import { filledIn } from '../infra/filledIn';
import { CI_FILLED_IN } from './iam/ciRoles';
import { startStandIns } from './standIns';

/** Starts the real stand-ins once; test files find them through these environment variables. */
export default async function globalSetup(): Promise<void> {
  // The SDK's notice that Node 20 support ends in 2027 would repeat in every worker.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // The Lambda bundle the mocked stacks deploy by its content digest: built once here, so no two workers race
  // to write dist/processor while another hashes it.
  bundle(processorBundle);
  // Every stack's graph at preview and at update, made once and one at a time before any test starts; the tests
  // that need them (preview shape, policy pack, cost) read them back instead of running the program again while
  // latency-sensitive tests run on the other worker.
  process.env.GRAPH_CACHE_DIR = mkdtempSync(path.join(os.tmpdir(), 'graphs-'));
  for (const stack of ['development', 'stage', 'main']) {
    for (const mode of ['preview', 'update'] as const) await runStackInProcess(stack, { mode, overrides: filledIn(stack) });
  }
  // The pipeline's identities (infra/ci), on each state backend.
  for (const backend of ['s3', 'pulumi-cloud'])
    await runStackInProcess('ci', { program: 'orders-ci', overrides: { ...CI_FILLED_IN, 'orders-ci:stateBackend': backend } });
  // The contention layer (local/contention) answers transaction conflicts and throttling as DynamoDB does, so the
  // suite meets the error shapes AWS gives (DYNAMODB_CONTENTION=off runs it against DynamoDB Local alone). Set in the
  // environment, the choice reaches the workers and every `npm start` a test runs; test/contention puts layers of
  // its own in front of DynamoDB Local either way.
  const standIns = await startStandIns();
  // Where each test file leaves the AWS calls the API and the processor made (test/support/iam/record.ts).
  process.env.IAM_CALLS_DIR = mkdtempSync(path.join(os.tmpdir(), 'iam-calls-'));
  (globalThis as { __standIns?: unknown }).__standIns = [standIns];
}
