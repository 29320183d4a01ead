import { execFile, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { cognitoEnv, type LocalUserPool } from '../../local/cognito';

export const ROOT = path.resolve(__dirname, '../..');

/** Runs a TypeScript entry point as one real process (node --import tsx: no wrapper process to outlive it). */
export function spawnTs(entry: string, env: NodeJS.ProcessEnv, args: string[] = []): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout!.on('data', (c) => (printed = (printed + c).slice(-20_000)));
  child.stderr!.on('data', (c) => (printed = (printed + c).slice(-20_000)));
  return Object.assign(child, { output: () => printed });
}

export const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, child?: ChildProcess & { output?: () => string }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what}: process exited with ${child.exitCode}\n${child.output?.() ?? ''}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}\n${child?.output?.() ?? ''}`);
}

export interface Outcome {
  at: number;
  status?: number;
  error?: string;
  body?: string;
  retryAfter?: string;
}

/** One request on a fresh connection (no keep-alive), so a refused connection is distinguishable from a dropped one. */
export function request(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () =>
        resolve({
          at: Date.now(),
          status: res.statusCode!,
          body: text,
          ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}),
        }),
      );
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ at: Date.now(), error: err.code ?? err.message }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ at: Date.now(), error: err.code ?? err.message }));
    req.end(body);
  });
}

/** The API's container environment (service/src/config.ts) pointed at the test stand-ins and one table. */
export function apiProcessEnv(
  stand: { dynamoEndpoint: string; pool: LocalUserPool },
  tableName: string,
  port: number,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    PORT: String(port),
    TABLE_NAME: tableName,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    DYNAMODB_ENDPOINT: stand.dynamoEndpoint,
    ...cognitoEnv(stand.pool),
    // Tests drive one customer hard (sigterm, the bench's API); test/api/orderLimits.test.ts tests the limits.
    LIMIT_OPEN_ORDERS: '100000',
    LIMIT_ORDERS_PER_MINUTE: '100000',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** `npm run <script> -- <args>` from the repository root, as a workflow step runs it: exit code and all output. */
export function npmRun(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<{ code: number; output: string }> {
  return new Promise((resolve) =>
    execFile('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    ),
  );
}
