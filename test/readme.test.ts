import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../local/process';

/** The README's promise, kept: `npm start` serves the walk-through exactly as written. */
const ROOT = path.resolve(__dirname, '..');
const walkthrough = /<!-- walkthrough:start -->\s*```bash\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(
  readFileSync(path.join(ROOT, 'README.md'), 'utf8'),
)?.[1];

let stack: ChildProcess;
let output = '';
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  const [port, dynamoPort, cognitoPort] = [await freePort(), await freePort(), await freePort()];
  env = { ...process.env, PORT: String(port), DYNAMODB_PORT: String(dynamoPort), COGNITO_PORT: String(cognitoPort) };
  stack = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'local/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  stack.stdout!.on('data', (chunk) => (output += chunk));
  stack.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output}`)), 90_000);
    const check = () => {
      if (output.includes('Ctrl-C stops everything')) {
        clearTimeout(timer);
        resolve();
      }
    };
    stack.stdout!.on('data', check);
    stack.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}, 120_000);

afterAll(() => {
  if (stack.exitCode === null) stack.kill('SIGKILL');
});

describe('README', () => {
  it('has a walk-through', () => {
    expect(walkthrough).toContain('npm run --silent token -- alice');
  });

  it('walk-through runs verbatim against npm start: CONFIRMED once the processor has decided, then CANCELLED, then the traces', async () => {
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const bash = spawn('bash', ['-euo', 'pipefail', '-c', walkthrough!], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      bash.stdout.on('data', (c) => (out += c));
      bash.stderr.on('data', (c) => (out += c));
      bash.on('exit', (code) => resolve({ code, out }));
    });
    expect(result.out).toMatch(/"sku":"KB-001"/);
    expect(result.out).toMatch(/^order [0-9A-Z]{26}$/m);
    expect(result.out).toMatch(/^CONFIRMED$/m);
    expect(result.out).toMatch(/^CANCELLED$/m);
    // npm run trace: the order's two traces (placed, cancelled), each through the stream to the processor.
    expect(result.out.match(/^trace [0-9a-f]{32} /gm)).toHaveLength(2);
    for (const line of [
      /api \(http\) +POST \/v1\/orders$/m,
      /api +orders\.place$/m,
      /processor +stream wait$/m,
      /processor +reserve [0-9A-Z]{26}$/m,
      /aws-sdk +DynamoDB\.TransactWriteItems$/m,
      /api +orders\.cancel$/m,
      /processor +release [0-9A-Z]{26}$/m,
    ]) {
      expect(result.out).toMatch(line);
    }
    expect(result.code).toBe(0);
  }, 60_000);

  it('Ctrl-C stops everything npm start started', async () => {
    const exited = new Promise<number | null>((resolve) => stack.once('exit', resolve));
    stack.kill('SIGINT');
    expect(await exited).toBe(0);
    const api = await fetch(`http://127.0.0.1:${env.PORT}/v1/health`).catch((err: Error) => err);
    expect(api).toMatchObject({ message: 'fetch failed' });
    const dynamo = await fetch(`http://127.0.0.1:${env.DYNAMODB_PORT}/`).catch((err: Error) => err);
    expect(dynamo).toMatchObject({ message: 'fetch failed' });
  }, 30_000);
});
