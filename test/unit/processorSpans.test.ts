import { createServer } from 'node:http';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { SCOPE, inSpan } from '../../core/tracing/context';
import { startTracing } from '../../core/tracing/provider';
import { decideInSpan, flushWithin } from '../../processor/src/tracing';
import { XRayOtlpExporter } from '../../processor/src/xrayExporter';

/**
 * The processor's spans: the stream wait before each decision, why a flush gave spans up, and what the X-Ray
 * exporter says and waits for. Found missing by mutation testing (each part could be emptied with every test green).
 */
/** A sampled parent, as the API's stored carrier gives one: the processor starts no trace of its own. */
const carrier = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
const toMs = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;

async function spansOf(work: () => Promise<unknown>): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const tracing = startTracing('orders-processor', memory, { immediate: true });
  try {
    await work();
    return memory.getFinishedSpans(); // before shutdown, which empties the exporter
  } finally {
    await tracing.shutdown();
  }
}

describe('a decision’s spans', () => {
  it('start with the wait between the API’s write and the pick-up, carrying the order and whether it was redriven', async () => {
    const writtenAt = new Date(Date.now() - 2_000);
    const spans = await spansOf(() => decideInSpan('reserve O1', 'O1', { carrier, writtenAt: writtenAt.toISOString(), redrive: true }, async () => undefined));
    const wait = spans.find((s) => s.name === 'stream wait')!;
    const decision = spans.find((s) => s.name === 'reserve O1')!;
    expect(wait.attributes).toEqual({ 'order.id': 'O1', 'orders.redrive': true });
    expect(decision.attributes).toEqual({ 'order.id': 'O1', 'orders.redrive': true });
    expect(toMs(wait.startTime as [number, number])).toBe(writtenAt.getTime());
    // The wait ends where the decision starts.
    expect(toMs(wait.endTime as [number, number])).toBe(toMs(decision.startTime as [number, number]));
  });

  it('have no wait when the write time is unreadable or later than the pick-up (clocks apart)', async () => {
    for (const writtenAt of ['not a time', new Date(Date.now() + 60_000).toISOString()]) {
      const spans = await spansOf(() => decideInSpan('reserve O2', 'O2', { carrier, writtenAt, redrive: false }, async () => undefined));
      expect(spans.map((s) => s.name)).toEqual(['reserve O2']);
    }
  });
});

describe('a bounded flush', () => {
  const failingWith = (error: unknown) => ({ flush: () => Promise.reject(error), shutdown: async () => undefined });

  it('says why the export failed: the first of the processors’ errors, or what was thrown', async () => {
    expect(await flushWithin(failingWith([new Error('first'), new Error('second')]), 1_000)).toBe('span export failed: first');
    expect(await flushWithin(failingWith('refused'), 1_000)).toBe('span export failed: refused');
    expect(await flushWithin({ flush: async () => undefined, shutdown: async () => undefined }, 1_000)).toBeUndefined();
  });
});

describe('the X-Ray exporter', () => {
  async function exporterAnswering(answer: (res: import('node:http').ServerResponse) => void) {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => answer(res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const exporter = new XRayOtlpExporter({
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${port}/v1/traces`,
      credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
    });
    const close = () => {
      server.closeAllConnections(); // an export a wrong program left unanswered must not keep the test's process alive
      return new Promise<void>((resolve) => server.close(() => resolve()));
    };
    return { exporter, close };
  }
  const someSpans = () => spansOf(() => inSpan(SCOPE.processor, 'x', {}, async () => undefined));

  it('reports a refusal with its status and the start of its body', async () => {
    const { exporter, close } = await exporterAnswering((res) => res.writeHead(400).end('e'.repeat(500)));
    const spans = await someSpans();
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));
    await close();
    expect(result.error?.message).toBe(`X-Ray OTLP endpoint answered 400: ${'e'.repeat(200)}`);
  });

  it('holds forceFlush and shutdown until the exports in flight have answered', async () => {
    const waiting: Array<() => void> = [];
    let arrived!: () => void;
    const { exporter, close } = await exporterAnswering((res) => {
      waiting.push(() => res.writeHead(200).end());
      arrived();
    });
    try {
      const spans = await someSpans();
      for (const end of ['forceFlush', 'shutdown'] as const) {
        let exported = false;
        const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
        exporter.export(spans, () => (exported = true));
        let ended = false;
        const ending = exporter[end]().then(() => (ended = true));
        await requestArrived; // the export is in flight, and stays so until the endpoint answers
        await new Promise(setImmediate);
        expect({ end, ended }).toEqual({ end, ended: false });
        waiting.shift()!();
        await ending;
        expect(exported).toBe(true);
      }
    } finally {
      for (const answer of waiting) answer();
      await close();
    }
  });
});
