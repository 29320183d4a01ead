import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureUserPool, startCognitoLocal } from '../../local/cognito';
import { startDynamoDbLocal } from '../../local/dynamodb';
import { bundle, processorBundle } from '../../scripts/bundles';

/** Starts the real stand-ins once; test files find them through these environment variables. */
export default async function globalSetup(): Promise<void> {
  // The SDK's notice that Node 20 support ends in 2027 would repeat in every worker.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // The Lambda bundle the mocked stacks deploy by its content digest: built once here, so no two workers race
  // to write dist/processor while another hashes it.
  bundle(processorBundle);
  const [dynamo, cognito] = await Promise.all([startDynamoDbLocal(), startCognitoLocal()]);
  const pool = await ensureUserPool(cognito);
  process.env.TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TEST_COGNITO_ENDPOINT = cognito.endpoint;
  process.env.TEST_USER_POOL = JSON.stringify(pool);
  // Where each test file leaves the AWS calls the API and the processor made (test/support/iam/record.ts).
  process.env.IAM_CALLS_DIR = mkdtempSync(path.join(os.tmpdir(), 'iam-calls-'));
  (globalThis as { __standIns?: unknown }).__standIns = [dynamo, cognito];
}
