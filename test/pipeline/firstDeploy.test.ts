import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { findUserPool, type LocalUserPool } from '../../local/cognito';
import { LOCAL_AWS } from '../../local/dynamodb';
import { freePort } from '../../local/process';
import { FLASH_SALE, LOADTEST_PRODUCTS, LOADTEST_STOCK } from '../../loadtest/lib/catalog';
import { signInAsK6 } from '../../loadtest/local/signIn';
import { productKey } from '../../core/table';
import { LOAD_TESTERS_GROUP } from '../../core/userpool';
import { runStack } from '../infra/harness';
import { scanTable } from '../support/env';
import { eventually } from '../support/pipeline';
import { waitForSettledOrders } from '../support/waitForSettledOrders';
import { exited, npmRun as runScript, spawnTs, waitFor } from '../support/processes';

/**
 * A first deploy, rehearsed on the local stand-ins from the state AWS is in right after `pulumi up` on a fresh
 * account: `npm start -- --empty` (an empty user pool, an empty catalog), stack outputs shaped like
 * `pulumi stack output --json` (the program's own exports under mocks, with the local stack's values), then the
 * pipeline's npm scripts exactly as the workflow calls them, in its order: bootstrap, smoke, gate preparation,
 * and the gate scenario signing in as k6's setup() does (the local runner, shortened to 15 s; no k6 binary here).
 */
const TABLE = 'orders-rehearsal';
const SECRETS = { LOADTEST_USERNAME: 'gate@example.com', LOADTEST_PASSWORD: 'Rehearsal-Passw0rd-1' };

let stack: ReturnType<typeof spawnTs>;
let ports: { api: number; dynamo: number; cognito: number };
let pool: LocalUserPool;
let scratch: string;
let outputsFile: string;
let awsEnv: NodeJS.ProcessEnv;
let cognito: CognitoIdentityProviderClient;
let db: DynamoDBDocumentClient;

const cognitoEndpoint = () => `http://127.0.0.1:${ports.cognito}`;
const apiUrl = () => `http://localhost:${ports.api}`;

/** A pipeline script with the AWS environment pointed at the stand-ins. */
const npmRun = (script: string, args: string[], env: NodeJS.ProcessEnv = {}) => runScript(script, args, { ...awsEnv, ...env });

const users = async () => (await cognito.send(new ListUsersCommand({ UserPoolId: pool.userPoolId }))).Users ?? [];
const products = async () => (await scanTable(db, TABLE)).filter((item) => String(item.PK).startsWith('PRODUCT#'));
/** What the bootstrap may change: the pool's users and the catalog. */
const usersAndProducts = async () => ({ users: await users(), products: await products() });
/**
 * Sets a product's stock as an operator would, trying again while the processor's transaction on it (redelivered
 * gate records) holds the item: DynamoDB refuses the write with TransactionConflictException then.
 */
const setStock = (sku: string, stock: number) =>
  eventually(
    () =>
      db
        .send(
          new UpdateCommand({ TableName: TABLE, Key: productKey(sku), UpdateExpression: 'SET stock = :stock', ExpressionAttributeValues: { ':stock': stock } }),
        )
        .then(
          () => true,
          (err: unknown) => {
            if ((err as { name?: string }).name === 'TransactionConflictException') return false;
            throw err;
          },
        ),
    10_000,
    `${sku}'s stock set to ${stock}`,
  );
const signInToStack = (username: string, password: string) => signInAsK6(`${cognitoEndpoint()}/`, pool.clientIds.loadTest, username, password);

type ScriptRun = Awaited<ReturnType<typeof npmRun>>;
/** The new stack as `pulumi up` left it, captured before any test changes it: its users, its catalog, a gate run. */
let fresh: Awaited<ReturnType<typeof usersAndProducts>> & { gate: ScriptRun };
let firstBootstrap: Promise<{ result: ScriptRun; products: Awaited<ReturnType<typeof products>> }> | undefined;
/**
 * The pipeline's first step done: `stack:bootstrap` on development, run once by whichever test first needs a
 * bootstrapped stack (each test passes alone, in any order); its output and the catalog it left are kept for the
 * test about that first run.
 */
const bootstrapped = () =>
  (firstBootstrap ??= npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', outputsFile]).then(async (result) => ({
    result,
    products: await products(),
  })));

beforeAll(async () => {
  ports = { api: await freePort(), dynamo: await freePort(), cognito: await freePort() };
  stack = spawnTs('local/start.ts', { PORT: String(ports.api), DYNAMODB_PORT: String(ports.dynamo), COGNITO_PORT: String(ports.cognito), TABLE_NAME: TABLE }, [
    '--empty',
  ]);
  await waitFor(async () => (await fetch(`${apiUrl()}/v1/health`)).ok, 90_000, 'npm start -- --empty', stack);
  pool = (await findUserPool(cognitoEndpoint()))!;
  awsEnv = {
    ...SECRETS,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    // The SDK's standard per-service endpoints: the scripts hold no endpoint code of their own.
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${ports.dynamo}`,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognitoEndpoint(),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  cognito = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: cognitoEndpoint() });
  db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_AWS, endpoint: `http://127.0.0.1:${ports.dynamo}` }));

  // What `pulumi stack output --json` prints for development: every export, the local values where the
  // scripts read them.
  const exports = JSON.parse(JSON.stringify((await runStack('development')).outputs)) as Record<string, unknown>;
  scratch = mkdtempSync(path.join(os.tmpdir(), 'first-deploy-'));
  outputsFile = path.join(scratch, 'stack-outputs.json');
  writeFileSync(
    outputsFile,
    JSON.stringify(
      {
        ...exports,
        apiUrl: apiUrl(),
        docsUrl: `${apiUrl()}/order_docs`,
        userPoolId: pool.userPoolId,
        userPoolClientId: pool.clientIds.app,
        loadTestClientId: pool.clientIds.loadTest,
        smokeClientId: pool.clientIds.smoke,
        tableName: TABLE,
      },
      null,
      2,
    ),
  );

  const gate = await npmRun('loadtest', ['--duration', '2s', '--out', scratch], {
    STACK: 'development',
    SCENARIO: 'gate',
    API_URL: apiUrl(),
    USER_POOL_CLIENT_ID: pool.clientIds.loadTest,
    AWS_REGION: 'eu-west-1',
    COGNITO_ENDPOINT: `${cognitoEndpoint()}/`,
  });
  fresh = { ...(await usersAndProducts()), gate };
}, 180_000);

afterAll(async () => {
  cognito?.destroy();
  db?.destroy();
  if (stack && stack.exitCode === null) {
    stack.kill('SIGINT');
    await exited(stack);
  }
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('a first deploy, rehearsed from the state a fresh stack is in', () => {
  it('starts where AWS leaves a new stack: no users, no products, and the gate cannot sign in', () => {
    expect(fresh.users).toEqual([]);
    expect(fresh.products).toEqual([]);
    expect(fresh.gate.code).not.toBe(0);
    expect(fresh.gate.output).toMatch(/sign-in failed/);
  });

  it('stack:bootstrap creates the load-test user with a permanent password, and the gate’s products', async () => {
    const { result, products: created } = await bootstrapped();
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain(`created   load-test user ${SECRETS.LOADTEST_USERNAME}`);
    for (const p of LOADTEST_PRODUCTS) expect(result.output).toContain(`created   product ${p.sku}`);
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: pool.userPoolId, Username: SECRETS.LOADTEST_USERNAME }));
    expect(user.UserStatus).toBe('CONFIRMED');
    // In the group the per-customer order limits skip: the gate orders at load-test rates.
    const groups = await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId: pool.userPoolId, Username: user.Username }));
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual([LOAD_TESTERS_GROUP]);
    expect(await signInToStack(SECRETS.LOADTEST_USERNAME, SECRETS.LOADTEST_PASSWORD)).toEqual({ token: expect.any(String) });
    expect(created.map((p) => [p.sku, p.stock]).sort()).toEqual(LOADTEST_PRODUCTS.map((p) => [p.sku, LOADTEST_STOCK.refillTo]).sort());
  }, 60_000);

  it('running stack:bootstrap again changes nothing', async () => {
    await bootstrapped();
    await waitForSettledOrders(db, TABLE);
    const before = await usersAndProducts();
    const result = await npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', outputsFile]);
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain('development: already bootstrapped, nothing changed');
    expect(await usersAndProducts()).toEqual(before);
  }, 60_000);

  it('gives main no synthetic user, no products and no gate', async () => {
    await bootstrapped(); // the development stack's users and products, which main's bootstrap must not touch
    await waitForSettledOrders(db, TABLE);
    const before = await usersAndProducts();
    const bootstrap = await npmRun('stack:bootstrap', ['--stack', 'main', '--outputs', outputsFile]);
    expect(bootstrap).toMatchObject({ code: 0 });
    expect(bootstrap.output).toContain('main: no gate runs here');
    expect(await usersAndProducts()).toEqual(before);
    const githubOutput = path.join(scratch, 'main-output');
    expect(await npmRun('gate:prepare', ['--stack', 'main', '--outputs', outputsFile], { GITHUB_OUTPUT: githubOutput })).toMatchObject({ code: 0 });
    expect(readFileSync(githubOutput, 'utf8')).toMatch(/^scenario=$/m);
  }, 60_000);

  it('stack:smoke passes, reading only', async () => {
    await bootstrapped();
    await waitForSettledOrders(db, TABLE);
    const before = await scanTable(db, TABLE);
    const smoke = await npmRun('stack:smoke', ['--stack', 'development', '--outputs', outputsFile]);
    expect(smoke.output).toContain('development: smoke passed');
    expect(smoke.code).toBe(0);
    expect(await scanTable(db, TABLE)).toEqual(before);
  }, 60_000);

  it('stack:smoke fails, naming each check, when the API does not answer', async () => {
    const gone = path.join(scratch, 'gone-outputs.json');
    writeFileSync(gone, JSON.stringify({ ...JSON.parse(readFileSync(outputsFile, 'utf8')), apiUrl: `http://127.0.0.1:${await freePort()}` }));
    const smoke = await npmRun('stack:smoke', ['--stack', 'development', '--outputs', gone], { SMOKE_HEALTH_WAIT_MS: '0' });
    expect(smoke.code).toBe(1);
    expect(smoke.output).toContain('FAIL readiness: the task answers and reaches its table');
    expect(smoke.output).toContain('development: 7 smoke check(s) failed');
  }, 60_000);

  it('gate:prepare hands the gate its scenario, then the gate scenario signs in as k6 does and passes', async () => {
    await bootstrapped();
    const githubOutput = path.join(scratch, 'development-output');
    expect(await npmRun('gate:prepare', ['--stack', 'development', '--outputs', outputsFile], { GITHUB_OUTPUT: githubOutput })).toMatchObject({ code: 0 });
    const outputs = Object.fromEntries(
      readFileSync(githubOutput, 'utf8')
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(outputs).toEqual({ stack: 'development', scenario: 'gate', apiUrl: apiUrl(), loadTestClientId: pool.clientIds.loadTest, region: 'eu-west-1' });

    // The k6 step's environment (pipeline.yml), plus the one thing k6 would not need in AWS: Cognito's address.
    // Judged by the `rehearsal` thresholds: no failed request and every order decided, with latency bounds
    // only against a hang (this machine runs other test files meanwhile; speed is `npm run bench`'s job).
    const out = path.join(scratch, 'gate');
    const gate = await npmRun('loadtest', ['--duration', '15s', '--thresholds', 'rehearsal', '--out', out], {
      STACK: outputs.stack,
      SCENARIO: outputs.scenario,
      API_URL: outputs.apiUrl,
      USER_POOL_CLIENT_ID: outputs.loadTestClientId,
      AWS_REGION: outputs.region,
      COGNITO_ENDPOINT: `${cognitoEndpoint()}/`,
    });
    expect({ code: gate.code, tail: gate.code === 0 ? '' : gate.output.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(gate.output).toContain(`signed in as ${SECRETS.LOADTEST_USERNAME}`);
    const report = JSON.parse(
      readFileSync(
        path.join(
          out,
          readdirSync(out).find((f) => f.startsWith('gate-') && f.endsWith('.json'))!,
        ),
        'utf8',
      ),
    );
    expect(report).toMatchObject({ scenario: 'gate', stack: 'development', failed: 0, passed: true });
    expect(report.requests).toBeGreaterThan(500);
    expect(report.e2eMs.undecided).toBe(0);
  }, 120_000);

  it('refills a load-test product only once its stock runs low', async () => {
    await bootstrapped();
    await setStock('LOADTEST-1', 10);
    const result = await npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', outputsFile]);
    expect(result.output).toContain(`updated   product LOADTEST-1 (stock 10 → ${LOADTEST_STOCK.refillTo})`);
    expect(result.output).toContain('unchanged product LOADTEST-2');
    expect((await products()).find((p) => p.sku === 'LOADTEST-1')!.stock).toBe(LOADTEST_STOCK.refillTo);
  }, 60_000);

  it('arms a flash sale on request, at its starting stock whatever the last sale left', async () => {
    await bootstrapped();
    const flash = () => products().then((all) => all.find((p) => p.sku === FLASH_SALE.product.sku));
    expect(await flash()).toBeUndefined(); // the gate's bootstrap never creates it
    const armed = await npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', outputsFile, '--flash-sale']);
    expect(armed.output).toContain(`created   product ${FLASH_SALE.product.sku} (${FLASH_SALE.stock} units)`);
    await setStock(FLASH_SALE.product.sku, 0);
    const rearmed = await npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', outputsFile, '--flash-sale']);
    expect(rearmed.output).toContain(`updated   product ${FLASH_SALE.product.sku} (stock 0 → ${FLASH_SALE.stock})`);
    expect((await flash())!.stock).toBe(FLASH_SALE.stock);
  }, 60_000);

  it('repairs a user left in FORCE_CHANGE_PASSWORD, and a rotated password', async () => {
    await bootstrapped(); // the stack's own first bootstrap first: this one only repairs another user
    const username = 'made-in-the-console@example.com';
    await cognito.send(
      new AdminCreateUserCommand({ UserPoolId: pool.userPoolId, Username: username, MessageAction: 'SUPPRESS', TemporaryPassword: 'Temporary-Passw0rd-1' }),
    );
    expect(await signInToStack(username, 'Temporary-Passw0rd-1')).toEqual({ error: expect.stringMatching(/NEW_PASSWORD_REQUIRED/) });
    const repaired = await npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', outputsFile], { LOADTEST_USERNAME: username });
    expect(repaired.output).toContain(`updated   load-test user ${username} (was FORCE_CHANGE_PASSWORD, password set permanent)`);
    expect(await signInToStack(username, SECRETS.LOADTEST_PASSWORD)).toEqual({ token: expect.any(String) });

    const rotated = await npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', outputsFile], {
      LOADTEST_USERNAME: username,
      LOADTEST_PASSWORD: 'Rotated-Passw0rd-2',
    });
    expect(rotated.output).toContain(`updated   load-test user ${username} (sign-in failed, password set again)`);
    expect(await signInToStack(username, 'Rotated-Passw0rd-2')).toEqual({ token: expect.any(String) });
  }, 60_000);

  it('refuses, before any call, a password the pool would refuse and outputs that are not a stack’s', async () => {
    const weak = await npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', outputsFile], { LOADTEST_PASSWORD: 'short' });
    expect(weak).toMatchObject({ code: 1 });
    expect(weak.output).toContain("LOADTEST_PASSWORD does not meet the pool's password policy: it needs at least 12 characters");
    const bogus = path.join(scratch, 'not-outputs.json');
    writeFileSync(bogus, JSON.stringify({ apiUrl: 'not a url' }));
    const wrong = await npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', bogus]);
    expect(wrong).toMatchObject({ code: 1 });
    expect(wrong.output).toMatch(/is not the output of `pulumi stack output --json`: apiUrl .*userPoolId/);
  }, 60_000);
});
