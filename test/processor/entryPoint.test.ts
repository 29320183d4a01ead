import { context, propagation, trace } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { Context } from 'aws-lambda';
import { SCOPE, inSpan } from '../../core/tracing/context';
import { startTracing } from '../../core/tracing/provider';
import type { ProcessorHandler } from '../../processor/src/handler';
import type { handler as entryHandler } from '../../processor/src/index';
import { exportingSpans } from '../../processor/src/tracing';
import { LOCAL_AWS } from '../../local/dynamodb';
import { createTestTable, standIns, type TestTable } from '../support/env';
import { eventually, startTestPoller, storedOrder, storesOf } from '../support/pipeline';

/**
 * The Lambda entry point (processor/src/index.ts) as Lambda runs it: loaded once per container from the
 * environment infra/ sets, then invoked with stream events; and the span flush it wraps every invocation in.
 */

type Environment = Record<string, string | undefined>;

function setEnvironment(env: Environment): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/** Runs `work` with `env` over the process's environment, restored after (the SDK reads it at its first call, not at load). */
async function withEnvironment<T>(env: Environment, work: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  setEnvironment(env);
  try {
    return await work();
  } finally {
    setEnvironment(before);
  }
}

/** A fresh load of the module, as a new Lambda container makes it: its configuration is read at load. */
function loadEntryPoint(): { handler: typeof entryHandler } {
  let loaded: { handler: typeof entryHandler } | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('../../processor/src/index') as { handler: typeof entryHandler };
  });
  return loaded!;
}

/** What infra/ sets on the function, plus what Lambda's runtime gives it, pointed at the local table. */
const lambdaEnvironment = (tableName: string | undefined): Environment => ({
  TABLE_NAME: tableName,
  AWS_REGION: LOCAL_AWS.region,
  AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
  AWS_ENDPOINT_URL_DYNAMODB: standIns().dynamoEndpoint,
  TRACES: 'off',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
});

describe('the entry point’s environment guard', () => {
  it.each([
    ['TABLE_NAME', 'missing', { TABLE_NAME: undefined }],
    ['TABLE_NAME', 'empty', { TABLE_NAME: '' }],
    ['TRACES', 'neither on nor off', { TABLE_NAME: 'orders', TRACES: 'maybe' }],
  ])('refuses to load with %s %s, naming it', async (name, _how, env) => {
    await withEnvironment({ ...lambdaEnvironment('orders'), ...env }, async () => {
      expect(loadEntryPoint).toThrow(new RegExp(`invalid configuration: .*\\b${name}\\b`));
    });
  });
});

describe('the entry point’s tracing', () => {
  // What the loaded module registered globally, undone as Tracing.shutdown does, so the next registration takes.
  afterEach(() => {
    trace.disable();
    propagation.disable();
    context.disable();
  });

  // A span started (never ended, so never exported) records only when a tracer provider was registered at load.
  const probeRecords = () => trace.getTracer('probe').startSpan('probe').isRecording();

  it('is registered at load unless TRACES=off', async () => {
    await withEnvironment({ ...lambdaEnvironment('orders'), TRACES: undefined }, async () => loadEntryPoint());
    expect(probeRecords()).toBe(true);
  });

  it('is not registered with TRACES=off', async () => {
    await withEnvironment(lambdaEnvironment('orders'), async () => loadEntryPoint());
    expect(probeRecords()).toBe(false);
  });
});

describe('the exported handler', () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await createTestTable({ seed: false });
    await storesOf(table).products.put({ sku: 'E1', name: 'E1', price: 100, currency: 'EUR', stock: 5, updatedAt: new Date().toISOString() });
  });
  afterAll(() => table.drop());

  it('decides an order from the stream event Lambda hands it', async () => {
    await withEnvironment(lambdaEnvironment(table.tableName), async () => {
      const { handler } = loadEntryPoint();
      const order = await storedOrder(table, { sku: 'E1', quantity: 2, unitPrice: 100 });
      // The local poller reads the table's real stream and invokes the handler with the event Lambda would build.
      const poller = await startTestPoller(table, handler);
      try {
        const decided = await eventually(
          async () => {
            const stored = await storesOf(table).orders.get(order.orderId);
            return stored?.status !== 'PENDING' && stored;
          },
          20_000,
          'the order decided',
        );
        expect(decided).toMatchObject({ status: 'CONFIRMED', stockState: 'RESERVED' });
        expect((await storesOf(table).products.get('E1'))!.stock).toBe(3);
      } finally {
        await poller.stop();
      }
    });
  });
});

/** An exporter that takes spans and never answers until released, as a stalled tracing endpoint does. */
class HangingExporter implements SpanExporter {
  readonly received: string[] = [];
  private readonly pending: Array<(result: ExportResult) => void> = [];
  private hanging = true;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.received.push(...spans.map((s) => s.name));
    if (this.hanging) this.pending.push(done);
    else done({ code: ExportResultCode.SUCCESS });
  }
  /** The endpoint answers again: the exports waiting, and every later one (the provider's shutdown flushes too). */
  release(): void {
    this.hanging = false;
    for (const done of this.pending.splice(0)) done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {
    this.release();
  }
}

describe('span export around a failing invocation', () => {
  const invocation = { Records: [] };
  const lambdaContext = {} as Context;
  // Batching as in Lambda, with a delay no test reaches: only the invocation's own flush can export its spans.
  const batching = { batchDelayMs: 600_000 };
  const failing: ProcessorHandler = async () => inSpan(SCOPE.processor, 'reserve O1', {}, async () => Promise.reject(new Error('store down')));

  it('still exports the invocation’s spans, and the error reaches Lambda', async () => {
    const memory = new InMemorySpanExporter();
    const tracing = startTracing('orders-processor', memory, batching);
    try {
      const handler = exportingSpans(failing, tracing, { flushTimeoutMs: 5_000 });
      await expect(handler(invocation, lambdaContext)).rejects.toThrow('store down');
      expect(memory.getFinishedSpans().map((s) => s.name)).toEqual(['reserve O1']);
    } finally {
      await tracing.shutdown();
    }
  });

  it('gives the spans up at the flush bound when the exporter hangs, and the error still reaches Lambda', async () => {
    const hanging = new HangingExporter();
    const tracing = startTracing('orders-processor', hanging, batching);
    const unexported: string[] = [];
    try {
      const handler = exportingSpans(failing, tracing, { flushTimeoutMs: 300, onUnexported: (why) => unexported.push(why) });
      const started = Date.now();
      await expect(handler(invocation, lambdaContext)).rejects.toThrow('store down');
      const tookMs = Date.now() - started;
      expect(hanging.received).toEqual(['reserve O1']); // the flush did hand the spans over
      expect(unexported).toEqual(['span export still running after 300 ms']);
      // Unbounded, the batch processor would wait 30 s (its export timeout) for the hanging export.
      expect(tookMs).toBeLessThan(5_000);
    } finally {
      hanging.release();
      await tracing.shutdown();
    }
  }, 15_000);
});
