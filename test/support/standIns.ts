import { ensureUserPool } from '../../local/cognito';
import { startCognitoLocal } from '../../local/cognitoLocal';
import { startDynamoDbLocal } from '../../local/dynamodb';

/**
 * Starts DynamoDB Local (behind the contention layer) and cognito-local with the demo pool, and tells test files
 * where they are through environment variables: jest's globalSetup does it once per `npm test`, the mutation run
 * once for all its mutants (scripts/mutation/run.ts).
 */
export async function startStandIns(): Promise<{ stop(): Promise<void> }> {
  // The contention layer (local/contention) answers transaction conflicts and throttling as DynamoDB does, so the
  // suite meets the error shapes AWS gives (DYNAMODB_CONTENTION=off runs it against DynamoDB Local alone). Set in the
  // environment, the choice reaches the workers and every `npm start` a test runs; test/contention puts layers of
  // its own in front of DynamoDB Local either way.
  const [dynamo, cognito] = await Promise.all([startDynamoDbLocal(), startCognitoLocal()]);
  const pool = await ensureUserPool(cognito);
  // The contention layer's endpoint (on unless DYNAMODB_CONTENTION=off); DynamoDB Local's own for tests that put a
  // layer of their own in front of it (test/contention).
  process.env.TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TEST_DYNAMODB_UPSTREAM = dynamo.upstream;
  process.env.TEST_COGNITO_ENDPOINT = cognito.endpoint;
  process.env.TEST_USER_POOL = JSON.stringify(pool);
  return {
    async stop() {
      await Promise.all([dynamo.stop(), cognito.stop()]);
    },
  };
}
