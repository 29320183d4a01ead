import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { findUserPool, type LocalUserPool } from '../../local/cognito';
import { LOCAL_AWS } from '../../local/dynamodb';
import { freePort } from '../../local/process';
import { signInAsK6 } from '../../loadtest/local/signIn';
import { retryingContention } from '../../loadtest/setup/bootstrap';
import { productKey } from '../../core/table';
import { runStack } from '../infra/harness';
import { scanTable } from '../support/env';
import { exited, npmRun, spawnTs, waitFor } from '../support/processes';

export const TABLE = 'orders-rehearsal';
export const SECRETS = { LOADTEST_USERNAME: 'gate@example.com', LOADTEST_PASSWORD: 'Rehearsal-Passw0rd-1' };

export type ScriptRun = Awaited<ReturnType<typeof npmRun>>;
type Item = Record<string, unknown>;

/**
 * A stack in the state AWS leaves it in right after `pulumi up` on a fresh account: `npm start -- --empty` (an
 * empty user pool, an empty catalog) and stack outputs shaped like `pulumi stack output --json` (the program's own
 * exports under mocks, with the local stack's values). `fresh` is what it held before any test changed it.
 */
export class FreshStack {
  private child?: ReturnType<typeof spawnTs>;
  private ports!: { api: number; dynamo: number; cognito: number };
  private awsEnv: NodeJS.ProcessEnv = {};
  private firstBootstrap?: Promise<{ result: ScriptRun; products: Item[] }>;
  pool!: LocalUserPool;
  scratch!: string;
  outputsFile!: string;
  cognito!: CognitoIdentityProviderClient;
  db!: DynamoDBDocumentClient;
  /** The new stack as `pulumi up` left it, captured before any test changes it: its users, its catalog, a gate run. */
  fresh!: { users: unknown[]; products: Item[]; gate: ScriptRun };

  apiUrl = () => `http://localhost:${this.ports.api}`;
  cognitoEndpoint = () => `http://127.0.0.1:${this.ports.cognito}`;

  /** A pipeline script with the AWS environment pointed at the stand-ins. */
  npmRun = (script: string, args: string[], env: NodeJS.ProcessEnv = {}) => npmRun(script, args, { ...this.awsEnv, ...env });

  users = async () => (await this.cognito.send(new ListUsersCommand({ UserPoolId: this.pool.userPoolId }))).Users ?? [];
  products = async () => (await scanTable(this.db, TABLE)).filter((item) => String(item.PK).startsWith('PRODUCT#'));
  /** What the bootstrap may change: the pool's users and the catalog. */
  usersAndProducts = async () => ({ users: await this.users(), products: await this.products() });
  signIn = (username: string, password: string) => signInAsK6(`${this.cognitoEndpoint()}/`, this.pool.clientIds.loadTest, username, password);

  /**
   * The pipeline's first step done: `stack:bootstrap` on development, run once by whichever test first needs a
   * bootstrapped stack (each test passes alone, in any order); its output and the catalog it left are kept for the
   * test about that first run.
   */
  bootstrapped = () =>
    (this.firstBootstrap ??= this.npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', this.outputsFile]).then(async (result) => ({
      result,
      products: await this.products(),
    })));

  /**
   * Sets a product's stock as an operator would, trying again while the processor's transaction on it (redelivered
   * gate records) holds the item: DynamoDB refuses the write with TransactionConflictException then, and the
   * bootstrap's own writes are retried the same way.
   */
  setStock = (sku: string, stock: number) =>
    retryingContention(() =>
      this.db.send(
        new UpdateCommand({ TableName: TABLE, Key: productKey(sku), UpdateExpression: 'SET stock = :stock', ExpressionAttributeValues: { ':stock': stock } }),
      ),
    );

  async start(): Promise<void> {
    this.ports = { api: await freePort(), dynamo: await freePort(), cognito: await freePort() };
    const { api, dynamo, cognito } = this.ports;
    this.child = spawnTs('local/start.ts', { PORT: String(api), DYNAMODB_PORT: String(dynamo), COGNITO_PORT: String(cognito), TABLE_NAME: TABLE }, ['--empty']);
    await waitFor(async () => (await fetch(`${this.apiUrl()}/v1/health`)).ok, 90_000, 'npm start -- --empty', this.child);
    this.pool = (await findUserPool(this.cognitoEndpoint()))!;
    this.awsEnv = {
      ...SECRETS,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      // The SDK's standard per-service endpoints: the scripts hold no endpoint code of their own.
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${dynamo}`,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: this.cognitoEndpoint(),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    this.cognito = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: this.cognitoEndpoint() });
    this.db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_AWS, endpoint: `http://127.0.0.1:${dynamo}` }));

    // What `pulumi stack output --json` prints for development: every export, the local values where the
    // scripts read them.
    const exports = JSON.parse(JSON.stringify((await runStack('development')).outputs)) as Record<string, unknown>;
    this.scratch = mkdtempSync(path.join(os.tmpdir(), 'first-deploy-'));
    this.outputsFile = path.join(this.scratch, 'stack-outputs.json');
    const local = {
      apiUrl: this.apiUrl(),
      docsUrl: `${this.apiUrl()}/order_docs`,
      userPoolId: this.pool.userPoolId,
      userPoolClientId: this.pool.clientIds.app,
      loadTestClientId: this.pool.clientIds.loadTest,
      smokeClientId: this.pool.clientIds.smoke,
      tableName: TABLE,
    };
    writeFileSync(this.outputsFile, JSON.stringify({ ...exports, ...local }, null, 2));

    const gate = await this.npmRun('loadtest', ['--duration', '2s', '--out', this.scratch], {
      STACK: 'development',
      SCENARIO: 'gate',
      API_URL: this.apiUrl(),
      USER_POOL_CLIENT_ID: this.pool.clientIds.loadTest,
      AWS_REGION: 'eu-west-1',
      COGNITO_ENDPOINT: `${this.cognitoEndpoint()}/`,
    });
    this.fresh = { ...(await this.usersAndProducts()), gate };
  }

  async stop(): Promise<void> {
    this.cognito?.destroy();
    this.db?.destroy();
    if (this.child && this.child.exitCode === null) {
      this.child.kill('SIGINT');
      await exited(this.child);
    }
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
  }
}
