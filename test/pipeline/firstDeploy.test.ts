import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AdminCreateUserCommand, AdminGetUserCommand, AdminListGroupsForUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { freePort } from '../../local/process';
import { FLASH_SALE, LOADTEST_PRODUCTS, LOADTEST_STOCK } from '../../loadtest/lib/catalog';
import { LOAD_TESTERS_GROUP } from '../../core/userpool';
import { scanTable } from '../support/env';
import { waitForSettledOrders } from '../support/waitForSettledOrders';
import { FreshStack, SECRETS, TABLE } from './freshStack';
import { takeLoadTurn } from '../support/loadTurns';

takeLoadTurn();

/**
 * A first deploy, rehearsed on the local stand-ins from the state AWS is in right after `pulumi up` on a fresh
 * account (./freshStack.ts), then the pipeline's npm scripts exactly as the workflow calls them, in its order:
 * bootstrap, smoke, gate preparation, and the gate scenario signing in as k6's setup() does (the local runner,
 * shortened to 15 s; no k6 binary here).
 */
const stack = new FreshStack();
beforeAll(() => stack.start(), 180_000);
afterAll(() => stack.stop());

describe('a first deploy, rehearsed from the state a fresh stack is in', () => {
  it('starts where AWS leaves a new stack: no users, no products, and the gate cannot sign in', () => {
    expect(stack.fresh.users).toEqual([]);
    expect(stack.fresh.products).toEqual([]);
    expect(stack.fresh.gate.code).not.toBe(0);
    expect(stack.fresh.gate.output).toMatch(/sign-in failed/);
  });

  it('stack:bootstrap creates the load-test user with a permanent password, and the gate’s products', async () => {
    const { result, products: created } = await stack.bootstrapped();
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain(`created   load-test user ${SECRETS.LOADTEST_USERNAME}`);
    for (const p of LOADTEST_PRODUCTS) expect(result.output).toContain(`created   product ${p.sku}`);
    const user = await stack.cognito.send(new AdminGetUserCommand({ UserPoolId: stack.pool.userPoolId, Username: SECRETS.LOADTEST_USERNAME }));
    expect(user.UserStatus).toBe('CONFIRMED');
    // In the group the per-customer order limits skip: the gate orders at load-test rates.
    const groups = await stack.cognito.send(new AdminListGroupsForUserCommand({ UserPoolId: stack.pool.userPoolId, Username: user.Username }));
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual([LOAD_TESTERS_GROUP]);
    expect(await stack.signIn(SECRETS.LOADTEST_USERNAME, SECRETS.LOADTEST_PASSWORD)).toEqual({ token: expect.any(String) });
    expect(created.map((p) => [p.sku, p.stock]).sort()).toEqual(LOADTEST_PRODUCTS.map((p) => [p.sku, LOADTEST_STOCK.refillTo]).sort());
  }, 60_000);

  it('running stack:bootstrap again changes nothing', async () => {
    await stack.bootstrapped();
    await waitForSettledOrders(stack.db, TABLE);
    const before = await stack.usersAndProducts();
    const result = await stack.npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', stack.outputsFile]);
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain('development: already bootstrapped, nothing changed');
    expect(await stack.usersAndProducts()).toEqual(before);
  }, 60_000);

  it('gives main no synthetic user, no products and no gate', async () => {
    await stack.bootstrapped(); // the development stack's users and products, which main's bootstrap must not touch
    await waitForSettledOrders(stack.db, TABLE);
    const before = await stack.usersAndProducts();
    const bootstrap = await stack.npmRun('stack:bootstrap', ['--stack', 'main', '--outputs', stack.outputsFile]);
    expect(bootstrap).toMatchObject({ code: 0 });
    expect(bootstrap.output).toContain('main: no gate runs here');
    expect(await stack.usersAndProducts()).toEqual(before);
    const githubOutput = path.join(stack.scratch, 'main-output');
    expect(await stack.npmRun('gate:prepare', ['--stack', 'main', '--outputs', stack.outputsFile], { GITHUB_OUTPUT: githubOutput })).toMatchObject({ code: 0 });
    expect(readFileSync(githubOutput, 'utf8')).toMatch(/^scenario=$/m);
  }, 60_000);

  it('stack:smoke passes, reading only', async () => {
    await stack.bootstrapped();
    await waitForSettledOrders(stack.db, TABLE);
    const before = await scanTable(stack.db, TABLE);
    const smoke = await stack.npmRun('stack:smoke', ['--stack', 'development', '--outputs', stack.outputsFile]);
    expect(smoke.output).toContain('development: smoke passed');
    expect(smoke.code).toBe(0);
    expect(await scanTable(stack.db, TABLE)).toEqual(before);
  }, 60_000);

  it('stack:smoke fails, naming each check, when the API does not answer', async () => {
    const gone = path.join(stack.scratch, 'gone-outputs.json');
    writeFileSync(gone, JSON.stringify({ ...JSON.parse(readFileSync(stack.outputsFile, 'utf8')), apiUrl: `http://127.0.0.1:${await freePort()}` }));
    const smoke = await stack.npmRun('stack:smoke', ['--stack', 'development', '--outputs', gone], { SMOKE_HEALTH_WAIT_MS: '0' });
    expect(smoke.code).toBe(1);
    expect(smoke.output).toContain('FAIL readiness: the task answers and reaches its table');
    expect(smoke.output).toContain('development: 7 smoke check(s) failed');
  }, 60_000);

  it('gate:prepare hands the gate its scenario, then the gate scenario signs in as k6 does and passes', async () => {
    await stack.bootstrapped();
    const githubOutput = path.join(stack.scratch, 'development-output');
    expect(await stack.npmRun('gate:prepare', ['--stack', 'development', '--outputs', stack.outputsFile], { GITHUB_OUTPUT: githubOutput })).toMatchObject({
      code: 0,
    });
    const outputs = Object.fromEntries(
      readFileSync(githubOutput, 'utf8')
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(outputs).toEqual({
      stack: 'development',
      scenario: 'gate',
      apiUrl: stack.apiUrl(),
      loadTestClientId: stack.pool.clientIds.loadTest,
      region: 'eu-west-1',
    });

    // The k6 step's environment (pipeline.yml), plus the one thing k6 would not need in AWS: Cognito's address.
    // Judged by the `rehearsal` thresholds: no failed request and every order decided, with latency bounds
    // only against a hang (this machine runs other test files meanwhile; speed is `npm run bench`'s job).
    const out = path.join(stack.scratch, 'gate');
    const gate = await stack.npmRun('loadtest', ['--duration', '15s', '--thresholds', 'rehearsal', '--out', out], {
      STACK: outputs.stack,
      SCENARIO: outputs.scenario,
      API_URL: outputs.apiUrl,
      USER_POOL_CLIENT_ID: outputs.loadTestClientId,
      AWS_REGION: outputs.region,
      COGNITO_ENDPOINT: `${stack.cognitoEndpoint()}/`,
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
    await stack.bootstrapped();
    await stack.setStock('LOADTEST-1', 10);
    const result = await stack.npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', stack.outputsFile]);
    expect(result.output).toContain(`updated   product LOADTEST-1 (stock 10 → ${LOADTEST_STOCK.refillTo})`);
    expect(result.output).toContain('unchanged product LOADTEST-2');
    expect((await stack.products()).find((p) => p.sku === 'LOADTEST-1')!.stock).toBe(LOADTEST_STOCK.refillTo);
  }, 60_000);

  it('arms a flash sale on request, at its starting stock whatever the last sale left', async () => {
    await stack.bootstrapped();
    const flash = () => stack.products().then((all) => all.find((p) => p.sku === FLASH_SALE.product.sku));
    expect(await flash()).toBeUndefined(); // the gate's bootstrap never creates it
    const armed = await stack.npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', stack.outputsFile, '--flash-sale']);
    expect(armed.output).toContain(`created   product ${FLASH_SALE.product.sku} (${FLASH_SALE.stock} units)`);
    await stack.setStock(FLASH_SALE.product.sku, 0);
    const rearmed = await stack.npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', stack.outputsFile, '--flash-sale']);
    expect(rearmed.output).toContain(`updated   product ${FLASH_SALE.product.sku} (stock 0 → ${FLASH_SALE.stock})`);
    expect((await flash())!.stock).toBe(FLASH_SALE.stock);
  }, 60_000);

  it('repairs a user left in FORCE_CHANGE_PASSWORD, and a rotated password', async () => {
    await stack.bootstrapped(); // the stack's own first bootstrap first: this one only repairs another user
    const username = 'made-in-the-console@example.com';
    await stack.cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: stack.pool.userPoolId,
        Username: username,
        MessageAction: 'SUPPRESS',
        TemporaryPassword: 'Temporary-Passw0rd-1',
      }),
    );
    expect(await stack.signIn(username, 'Temporary-Passw0rd-1')).toEqual({ error: expect.stringMatching(/NEW_PASSWORD_REQUIRED/) });
    const repaired = await stack.npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', stack.outputsFile], { LOADTEST_USERNAME: username });
    expect(repaired.output).toContain(`updated   load-test user ${username} (was FORCE_CHANGE_PASSWORD, password set permanent)`);
    expect(await stack.signIn(username, SECRETS.LOADTEST_PASSWORD)).toEqual({ token: expect.any(String) });

    const rotated = await stack.npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', stack.outputsFile], {
      LOADTEST_USERNAME: username,
      LOADTEST_PASSWORD: 'Rotated-Passw0rd-2',
    });
    expect(rotated.output).toContain(`updated   load-test user ${username} (sign-in failed, password set again)`);
    expect(await stack.signIn(username, 'Rotated-Passw0rd-2')).toEqual({ token: expect.any(String) });
  }, 60_000);

  it('refuses, before any call, a password the pool would refuse and outputs that are not a stack’s', async () => {
    const weak = await stack.npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', stack.outputsFile], { LOADTEST_PASSWORD: 'short' });
    expect(weak).toMatchObject({ code: 1 });
    expect(weak.output).toContain("LOADTEST_PASSWORD does not meet the pool's password policy: it needs at least 12 characters");
    const bogus = path.join(stack.scratch, 'not-outputs.json');
    writeFileSync(bogus, JSON.stringify({ apiUrl: 'not a url' }));
    const wrong = await stack.npmRun('stack:bootstrap', ['--stack', 'development', '--outputs', bogus]);
    expect(wrong).toMatchObject({ code: 1 });
    expect(wrong.output).toMatch(/is not the output of `pulumi stack output --json`: apiUrl .*userPoolId/);
  }, 60_000);
});
