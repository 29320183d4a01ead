import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { StreamHandler } from '../../core/streamHandler';
import { lambdaContext, serialiseResponse, type InvocationMeta, type RawOutcome } from './invocation';
import type { IsolatedHandler, SandboxMessage } from './sandbox';

/**
 * Inside a sandbox (a worker thread started by `SandboxPool`): the init phase loads the handler's module and
 * builds the handler, then each message is one invocation, answered with the serialised response or the error.
 */
const port = parentPort;
if (!port) throw new Error('sandboxRuntime runs in a worker thread');
const { handler: spec } = workerData as { handler: IsolatedHandler };
const post = (message: SandboxMessage) => port.postMessage(message);
const errorOf = (err: unknown) => (err as Error)?.message ?? String(err);

async function init(): Promise<StreamHandler> {
  const loaded = createRequire(__filename)(spec.module) as Record<string, unknown>;
  const factory = loaded[spec.export];
  if (typeof factory !== 'function') throw new Error(`${spec.module} exports no function ${spec.export}`);
  const handler = (await (factory as (options: unknown) => unknown)(spec.options)) as unknown;
  if (typeof handler !== 'function') throw new Error(`${spec.export}() did not return a handler`);
  return handler as StreamHandler;
}

async function invoke(handler: StreamHandler, eventJson: string, meta: InvocationMeta): Promise<RawOutcome> {
  try {
    return serialiseResponse(await handler(JSON.parse(eventJson), lambdaContext(meta)));
  } catch (err) {
    return { kind: 'error', error: errorOf(err) };
  }
}

void init().then(
  (handler) => {
    port.on('message', ({ eventJson, meta }: { eventJson: string; meta: InvocationMeta }) => void invoke(handler, eventJson, meta).then(post));
    post({ kind: 'ready' });
  },
  (err: unknown) => post({ kind: 'initFailed', error: errorOf(err) }),
);
