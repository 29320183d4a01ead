import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { timedOutError, type InvocationMeta, type RawOutcome } from './invocation';

/**
 * A handler the poller runs in sandboxes: `module` (an absolute path, TypeScript or JavaScript) exports
 * `export`, a function of `options` (anything structured-cloneable) returning the StreamHandler, or a promise of
 * it. Each sandbox loads the module and builds its handler once, as a Lambda execution environment's init does.
 */
export interface IsolatedHandler {
  module: string;
  export: string;
  options?: unknown;
}

export const isIsolatedHandler = (handler: unknown): handler is IsolatedHandler =>
  typeof handler === 'object' && handler !== null && typeof (handler as IsolatedHandler).module === 'string';

/** Lambda's limit on a function's init phase. */
const INIT_LIMIT_MS = 10_000;

/** What a sandbox posts back: its init is done (or failed), or an invocation's outcome. */
export type SandboxMessage = { kind: 'ready' } | { kind: 'initFailed'; error: string } | RawOutcome;
type Answer = SandboxMessage | { kind: 'crashed'; error: string } | { kind: 'timedOut' };

const localRequire = createRequire(__filename);
// The worker starts as plain JavaScript: it learns TypeScript (tsx) unless it inherited a loader, then loads the
// sandbox's runtime, which loads the handler.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (!require.extensions['.ts']) require(workerData.tsx).register();
require(workerData.runtime);
`;

/**
 * Sandboxes for one function, one per invocation in flight (a lane's batch), reused while they answer in time,
 * like Lambda's execution environments. An invocation that outlives the timeout has its sandbox terminated
 * before the invocation is reported as failed, so a retry never runs beside the handler it replaces and a
 * timed-out handler cannot write after its retry has started. A sandbox that crashes is replaced the same way.
 */
export class SandboxPool {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private closed = false;

  constructor(
    private readonly handler: IsolatedHandler,
    private readonly logger: Logger,
  ) {}

  async invoke(eventJson: string, meta: InvocationMeta, timeoutMs: number): Promise<RawOutcome> {
    if (this.closed) return { kind: 'error', error: 'the poller is stopping' };
    const worker = this.idle.pop() ?? (await this.start());
    if (typeof worker === 'string') return { kind: 'error', error: worker };
    // The timeout counts from the invocation, not from the sandbox's init (as in Lambda).
    const answer = await this.exchange(worker, { eventJson, meta: { ...meta, deadline: Date.now() + timeoutMs } }, timeoutMs);
    if (answer.kind === 'returned' || answer.kind === 'error') {
      if (this.closed) await this.discard(worker);
      else this.idle.push(worker);
      return answer;
    }
    // Stopped before the failure is reported: the retry starts only once this handler can do nothing more.
    await this.discard(worker);
    if (answer.kind !== 'timedOut') return { kind: 'error', error: answer.kind === 'crashed' ? answer.error : `the sandbox answered ${answer.kind}` };
    this.logger.warn({ functionName: meta.functionName, timeoutMs }, 'invocation timed out; its sandbox was stopped');
    return { kind: 'error', error: timedOutError(timeoutMs) };
  }

  /** Stops every sandbox; invocations still running fail. */
  async close(): Promise<void> {
    this.closed = true;
    this.idle.length = 0;
    await Promise.all([...this.all].map((worker) => this.discard(worker)));
  }

  /** A new sandbox once its init is done, or why its init failed. */
  private async start(): Promise<Worker | string> {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { tsx: localRequire.resolve('tsx/cjs/api'), runtime: path.join(__dirname, 'sandboxRuntime.ts'), handler: this.handler },
    });
    worker.unref(); // a sandbox never keeps the process alive on its own
    this.all.add(worker);
    const init = await this.exchange(worker, undefined, INIT_LIMIT_MS);
    if (init.kind === 'ready') return worker;
    await this.discard(worker);
    const why = init.kind === 'timedOut' ? `init took longer than ${INIT_LIMIT_MS / 1000} seconds` : 'error' in init ? init.error : init.kind;
    return `Runtime.InitError: ${why}`;
  }

  /** Posts `message` (if any) and waits for the sandbox's next message, its death, or `limitMs`. */
  private exchange(worker: Worker, message: unknown, limitMs: number): Promise<Answer> {
    return new Promise((resolve) => {
      const done = (answer: Answer) => {
        clearTimeout(timer);
        worker.off('message', done).off('error', onError).off('exit', onExit);
        resolve(answer);
      };
      const onError = (err: Error) => done({ kind: 'crashed', error: `Runtime.ExitError: ${err?.message ?? String(err)}` });
      const onExit = (code: number) => done({ kind: 'crashed', error: `Runtime.ExitError: exited with status ${code}` });
      const timer = setTimeout(() => done({ kind: 'timedOut' }), limitMs);
      worker.on('message', done).on('error', onError).on('exit', onExit);
      if (message !== undefined) worker.postMessage(message);
    });
  }

  private async discard(worker: Worker): Promise<void> {
    this.all.delete(worker);
    await worker.terminate();
  }
}
