import { createServer, type RequestListener } from 'node:http';
import type { Middleware } from 'koa';
import pino from 'pino';
import supertest from 'supertest';
import { createApp, type AppDeps } from '../../service/src/app';
import { localCognitoVerifier } from '../../service/src/auth/verifier';
import { trustOf } from '../../local/cognito';
import { createTestTable, standIns, tokenFor, type DemoUser, type TestTable } from './env';
import { responseContract } from './responseContract';

export interface TestApi {
  table: TestTable;
  /** Where the app listens, for clients other than supertest. */
  url: string;
  http: ReturnType<typeof supertest>;
  /** Authorization header value for a demo user. */
  auth(user: DemoUser): Promise<string>;
  close(): Promise<void>;
}

/** The real app on a fresh table, verifying real tokens from the local Cognito. */
export async function createTestApi(overrides: Partial<AppDeps> = {}, options: { seed?: boolean } = {}): Promise<TestApi> {
  const table = await createTestTable(options);
  const { pool } = standIns();
  const deps: AppDeps = {
    db: table.db,
    tableName: table.tableName,
    verifier: localCognitoVerifier(trustOf(pool)),
    logger: pino({ level: 'silent' }),
    ...overrides,
  };
  // Every response a test receives is held to the published document (closing reports what did not match).
  const contract = responseContract();
  const server = createServer(appPerTest(deps, contract.middleware));
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  return {
    table,
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    http: supertest(server),
    auth: async (user) => `Bearer ${await tokenFor(user)}`,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await table.drop();
      if (contract.violations.length > 0) {
        throw new Error(`responses that do not match the published OpenAPI document:\n${[...new Set(contract.violations)].join('\n')}`);
      }
    },
  };
}

/**
 * A fresh app for each test, on the file's table: no in-memory state (the catalog cache) carries from one test into
 * the next, and the app is built inside the test that calls it, where mutation testing sees it. (Stryker counts what
 * a `beforeAll` runs as covered by no test, so it would try a mutant of the routes' wiring only against the tests
 * that build their own app.) Built on a test's first request.
 */
function appPerTest(deps: AppDeps, outermost: Middleware): RequestListener {
  let built: { test: string | undefined; listener: RequestListener } | undefined;
  return (req, res) => {
    const test = expect.getState().currentTestName;
    if (!built || built.test !== test) {
      const app = createApp(deps);
      app.middleware.unshift(outermost);
      built = { test, listener: app.callback() };
    }
    return built.listener(req, res);
  };
}
