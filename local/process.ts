import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const TETHER = path.join(__dirname, 'tether.cjs');

export interface StandIn {
  readonly child: ChildProcess;
  /** Everything the process printed, for error messages when it fails to come up. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `command` tethered to this process: it is stopped when we exit, however we exit. */
export function startTethered(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): StandIn {
  const child = spawn(process.execPath, [TETHER, command, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let printed = '';
  const keep = (chunk: Buffer) => {
    printed = (printed + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => printed,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it resolves, the process dies, or `timeoutMs` passes. */
export async function waitUntilReady(name: string, standIn: StandIn, probe: () => Promise<unknown>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (standIn.child.exitCode !== null) {
      throw new Error(`${name} exited with code ${standIn.child.exitCode} before it was ready:\n${standIn.output()}`);
    }
    try {
      await probe();
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  await standIn.stop();
  throw new Error(`${name} did not answer within ${timeoutMs} ms (${String(lastError)}):\n${standIn.output()}`);
}
