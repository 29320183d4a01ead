import { randomUUID } from 'node:crypto';
import { DynamoDBClient, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalUserPool } from '../../local/cognito';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ensureLoadTestUser } from '../../loadtest/setup/bootstrap';
import { demoClientId, signIn } from '../../local/cognito';
import { LOCAL_AWS } from '../../local/dynamodb';
import { ensureTable, seedCatalog } from '../../local/table';
import { documentClient } from '../../core/store/client';
import { DEMO_PASSWORD, DEMO_USERS } from '../../core/userpool';

/** The stand-ins started by globalSetup. */
export function standIns() {
  const dynamoEndpoint = process.env.TEST_DYNAMODB_ENDPOINT;
  const cognitoEndpoint = process.env.TEST_COGNITO_ENDPOINT;
  const pool = process.env.TEST_USER_POOL;
  if (!dynamoEndpoint || !cognitoEndpoint || !pool) throw new Error('stand-ins not started: run through jest (globalSetup)');
  return { dynamoEndpoint, cognitoEndpoint, pool: JSON.parse(pool) as LocalUserPool };
}

/** Every item of a table (tests only: production code never scans). */
export async function scanTable(db: DynamoDBDocumentClient, tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export interface TestTable {
  tableName: string;
  streamArn: string;
  db: DynamoDBDocumentClient;
  /** Every item in the table (for "nothing was written" assertions). */
  snapshot(): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

/** A fresh table from the shared definition, with the demo catalog unless told otherwise. */
export async function createTestTable(options: { seed?: boolean } = {}): Promise<TestTable> {
  const { dynamoEndpoint } = standIns();
  const tableName = `test-${randomUUID()}`;
  const admin = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamoEndpoint });
  const { streamArn } = await ensureTable(admin, tableName);
  const db = documentClient({ ...LOCAL_AWS, endpoint: dynamoEndpoint });
  if (options.seed ?? true) await seedCatalog(db, tableName);
  return {
    tableName,
    streamArn,
    db,
    async snapshot() {
      return (await scanTable(db, tableName)).sort((a, b) => `${a.PK}${a.SK}`.localeCompare(`${b.PK}${b.SK}`));
    },
    async drop() {
      db.destroy();
      await admin.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
      admin.destroy();
    },
  };
}

export type DemoUser = (typeof DEMO_USERS)[number]['username'];

const tokenCache = new Map<string, Promise<string>>();

/** A real access token from the local Cognito for a demo user. */
export function tokenFor(user: DemoUser): Promise<string> {
  const { cognitoEndpoint, pool } = standIns();
  const demo = DEMO_USERS.find((u) => u.username === user)!;
  if (!tokenCache.has(demo.email))
    tokenCache.set(
      demo.email,
      signIn(cognitoEndpoint, demoClientId(pool, demo), demo.email, DEMO_PASSWORD).then((t) => t.accessToken),
    );
  return tokenCache.get(demo.email)!;
}

let loadTester: Promise<string> | undefined;

/**
 * A load tester's access token (the `load-testers` group, as the k6 gate signs in): exempt from the per-customer
 * limits, so a test that drives one user hard does not have its orders meet on that customer's count items.
 */
export function loadTesterToken(): Promise<string> {
  const { cognitoEndpoint, pool } = standIns();
  const credentials = { username: 'test-load@example.com', password: DEMO_PASSWORD };
  const target = { userPoolId: pool.userPoolId, clientId: pool.clientIds.loadTest };
  loadTester ??= (async () => {
    const admin = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: cognitoEndpoint });
    await ensureLoadTestUser(admin, target, credentials).finally(() => admin.destroy());
    return (await signIn(cognitoEndpoint, target.clientId, credentials.username, credentials.password)).accessToken;
  })();
  return loadTester;
}

export function idTokenFor(user: DemoUser): Promise<string> {
  const { cognitoEndpoint, pool } = standIns();
  const demo = DEMO_USERS.find((u) => u.username === user)!;
  return signIn(cognitoEndpoint, demoClientId(pool, demo), demo.email, DEMO_PASSWORD).then((t) => t.idToken);
}

export const subOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string }).sub;
