import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { cognitoEnv } from '../../local/cognito';
import { LOCAL_AWS } from '../../local/dynamodb';
import { freePort } from '../../local/process';
import { ROOT, sleep, type Env } from './support';

/** The API as deployed: its own process (tsx service/src/main.ts), configured from the environment. */
export async function startApiProcess(env: Env, tableName: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'service/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      TABLE_NAME: tableName,
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      DYNAMODB_ENDPOINT: env.dynamoEndpoint,
      ...cognitoEnv(env.pool),
      LOG_LEVEL: 'warn',
      // Limits on, as deployed (their writes are in every order's cost), but roomy: the bench is one customer.
      LIMIT_OPEN_ORDERS: '1000000',
      LIMIT_ORDERS_PER_MINUTE: '1000000',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${url}/v1/health`).then((r) => r.ok, () => false)) break;
    await sleep(100);
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
