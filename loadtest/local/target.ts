import pino from 'pino';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { capacityFile, readCapacity, type CapacityTally } from '../../local/capacity';
import { findUserPool } from '../../local/cognito';
import { LOCAL_AWS } from '../../local/dynamodb';
import { freePort } from '../../local/process';
import { localSettings, type LocalSettings } from '../../local/settings';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { ProductStore } from '../../core/store/products';
import { DEMO_PASSWORD } from '../../core/userpool';
import { cognitoEndpoint } from '../lib/signIn';
import { armFlashSale, ensureLoadTestCatalog, ensureLoadTestUser } from '../setup/bootstrap';
import { signInAsK6 } from './signIn';

/** The load-test user the runner creates on a local stack (in AWS: the LOADTEST_* secrets). */
const LOCAL_LOADTEST_USER = { username: 'loadtest@example.com', password: DEMO_PASSWORD };

/** The stack named by API_URL (as k6 sees it), the one `npm start` runs (same PORT settings), or a fresh one. */
export interface Target {
  url: string;
  token: string;
  /**
   * Units of a product in stock (undefined: no such product), as the flash sale checks them. The count is in an
   * admin's view only (customers, the load-test user among them, see availability): a local stack's is read from
   * its table, a named stack's through the API, which shows it only to a token of the admins' pool (passed in).
   */
  stockOf(sku: string): Promise<number | undefined>;
  /** Request units consumed so far by the stack's API and processor, where the runner can see them. */
  capacity(): CapacityTally | undefined;
  stop(): Promise<void>;
}

async function reachable(url: string) {
  try {
    return (await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/** Signs in as k6's setup() does; no token is an error that says why. */
async function tokenAsK6(endpoint: string, clientId: string, username: string, password: string): Promise<string> {
  const result = await signInAsK6(endpoint, clientId, username, password);
  if ('error' in result) throw new Error(result.error);
  return result.token;
}

/** Where a local stack's parts answer, and the load-test client of its user pool. */
interface LocalParts {
  dynamoEndpoint: string;
  cognito: { endpoint: string; client(): CognitoIdentityProviderClient };
  tableName: string;
  clientId: string;
  userPoolId: string;
}

/** Stock counts read from a local stack's table, with a client kept until the run stops. */
function tableStock(dynamoEndpoint: string, tableName: string) {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamoEndpoint }));
  const products = new ProductStore(db, tableName);
  return { stockOf: async (sku: string) => (await products.get(sku))?.stock, close: () => db.destroy() };
}

/** Stock counts through the API: only an admin's view holds them, so a customer's token is told so. */
const apiStock = (url: string, token: string) => async (sku: string) => {
  const res = await fetch(`${url}/v1/products/${sku}`, { headers: { Authorization: `Bearer ${token}` } });
  if (res.status === 404) return undefined;
  const { stock } = (await res.json()) as { stock?: number };
  if (res.status !== 200 || stock === undefined) {
    throw new Error(
      `${url} shows ${sku}'s stock count to admins only (answered ${res.status}): the load-test user is a customer, so run the flash sale on a local stack, whose table the runner reads`,
    );
  }
  return stock;
};

/** A local stack gets what the pipeline's bootstrap gives a deployed one: the gate's user and products. */
async function bootstrapLocal(parts: LocalParts, flashSale: number | undefined) {
  const { cognito, tableName, clientId, userPoolId } = parts;
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_AWS, endpoint: parts.dynamoEndpoint }));
  const client = cognito.client();
  try {
    await ensureLoadTestCatalog(db, tableName);
    if (flashSale !== undefined) await armFlashSale(db, tableName, flashSale);
    await ensureLoadTestUser(client, { userPoolId, clientId }, LOCAL_LOADTEST_USER);
  } finally {
    db.destroy();
    client.destroy();
  }
  return tokenAsK6(`${cognito.endpoint}/`, clientId, LOCAL_LOADTEST_USER.username, LOCAL_LOADTEST_USER.password);
}

/** API_URL's stack, signed in with the LOADTEST_* credentials as k6 is; the runner bootstraps nothing there. */
async function namedStack(apiUrl: string, env: NodeJS.ProcessEnv): Promise<Target> {
  const token = await tokenAsK6(
    cognitoEndpoint(env.AWS_REGION ?? '', env.COGNITO_ENDPOINT),
    env.USER_POOL_CLIENT_ID ?? '',
    env.LOADTEST_USERNAME ?? '',
    env.LOADTEST_PASSWORD ?? '',
  );
  console.log(`Using the stack at ${apiUrl} (signed in as ${env.LOADTEST_USERNAME})`);
  const url = apiUrl.replace(/\/$/, '');
  return { url, token, stockOf: apiStock(url, token), capacity: () => undefined, stop: async () => undefined };
}

/** The stack `npm start` runs at `url`: bootstrapped, and left running afterwards. */
async function runningStack(url: string, settings: LocalSettings, flashSale: number | undefined): Promise<Target> {
  const endpoint = `http://127.0.0.1:${settings.cognitoPort}`;
  const pool = await findUserPool(endpoint);
  if (!pool) throw new Error(`${url} answers but no local Cognito pool was found at ${endpoint}`);
  const cognito = { endpoint, client: () => new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint }) };
  const token = await bootstrapLocal(
    {
      dynamoEndpoint: `http://127.0.0.1:${settings.dynamoPort}`,
      cognito,
      tableName: settings.tableName,
      clientId: pool.clientIds.loadTest,
      userPoolId: pool.userPoolId,
    },
    flashSale,
  );
  console.log(`Using the running stack at ${url}`);
  const stock = tableStock(`http://127.0.0.1:${settings.dynamoPort}`, settings.tableName);
  return { url, token, stockOf: stock.stockOf, capacity: () => readCapacity(capacityFile(settings.apiPort)), stop: async () => stock.close() };
}

/** A stack of its own, in memory on free ports, stopped when the run ends. */
async function freshStack(settings: LocalSettings, flashSale: number | undefined): Promise<Target> {
  const stack: LocalStack = await startLocalStack(
    { ...settings, apiPort: await freePort(), dynamoPort: await freePort(), cognitoPort: await freePort(), dataDir: undefined },
    pino({ level: 'silent' }),
  );
  try {
    const parts = {
      dynamoEndpoint: stack.dynamo.endpoint,
      cognito: stack.cognito,
      tableName: stack.tableName,
      clientId: stack.pool.clientIds.loadTest,
      userPoolId: stack.pool.userPoolId,
    };
    const token = await bootstrapLocal(parts, flashSale);
    const stock = tableStock(stack.dynamo.endpoint, stack.tableName);
    const stop = async () => {
      stock.close();
      await stack.stop();
    };
    return { url: stack.apiUrl, token, stockOf: stock.stockOf, capacity: () => ({ ...stack.capacity }), stop };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

/**
 * `url`: --url, where a local stack is looked for (default: `npm start`'s port). `flashSale`: the units to arm a
 * local flash sale with (undefined: not a flash sale).
 */
export async function targetStack(url: string | undefined, env: NodeJS.ProcessEnv, flashSale: number | undefined): Promise<Target> {
  if (env.API_URL) return namedStack(env.API_URL, env);
  const settings = localSettings(env);
  const localUrl = url ?? `http://localhost:${settings.apiPort}`;
  if (await reachable(localUrl)) return runningStack(localUrl, settings, flashSale);
  console.log(`No stack at ${localUrl}: starting one in memory…`);
  return freshStack(settings, flashSale);
}
