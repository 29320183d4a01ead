import { appendFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { SCOPE, contextFromCarrier, currentTraceCarrier, inSpan } from '../../core/tracing/context';
import { startTracing } from '../../core/tracing/provider';
import { OtlpFileExporter } from '../../local/traces/file';
import { readSpans, renderWaterfall, spansOfOrder } from '../../local/traces/waterfall';
import type { Context } from 'aws-lambda';
import type { ProcessorHandler } from '../../processor/src/handler';
import { exportingSpans } from '../../processor/src/tracing';
import { XRayOtlpExporter } from '../../processor/src/xrayExporter';
import { scratchDir } from '../support/scratch';

const scratch = scratchDir('traces');

describe('trace context carriers', () => {
  it('hold the active span in W3C and X-Ray forms, and give it back as a parent', async () => {
    const tracing = startTracing('t', new InMemorySpanExporter(), { immediate: true });
    try {
      expect(currentTraceCarrier()).toBeUndefined(); // nothing active, nothing stored
      await inSpan(SCOPE.api, 'write', {}, async (span) => {
        const carrier = currentTraceCarrier()!;
        const { traceId, spanId } = span.spanContext();
        expect(carrier.traceparent).toBe(`00-${traceId}-${spanId}-01`);
        expect(carrier['x-amzn-trace-id']).toBe(`Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${spanId};Sampled=1`);
        const restored = trace.getSpanContext(contextFromCarrier({ 'x-amzn-trace-id': carrier['x-amzn-trace-id']! }));
        expect(restored).toMatchObject({ traceId, spanId });
      });
      expect(trace.getSpanContext(contextFromCarrier(undefined))).toBeUndefined();
    } finally {
      await tracing.shutdown();
    }
  });
});

describe('local trace file and waterfall', () => {
  it('reads back what the OTLP file exporter wrote and draws the order’s traces', async () => {
    const file = path.join(scratch, 'traces.jsonl');
    const tracing = startTracing('orders-local', new OtlpFileExporter(file, { fresh: true }), { immediate: true });
    try {
      await inSpan(SCOPE.api, 'orders.place', { attributes: { 'order.id': 'O1' } }, async () => {
        await inSpan(SCOPE.awsSdk, 'DynamoDB.PutItem', { kind: SpanKind.CLIENT }, async () => undefined);
      });
      await context.with(context.active(), () => inSpan(SCOPE.api, 'other', { attributes: { 'order.id': 'O2' } }, async () => undefined));
      await expect(
        inSpan(SCOPE.processor, 'reserve O1', { attributes: { 'order.id': 'O1' } }, async () => Promise.reject(new Error('no stock table'))),
      ).rejects.toThrow();
    } finally {
      await tracing.shutdown();
    }
    appendFileSync(file, '{"resourceSpans":[{"scopeSpans":[{"spa'); // npm start caught mid-append
    const spans = readSpans(file);
    expect(spans.map((s) => s.name).sort()).toEqual(['DynamoDB.PutItem', 'orders.place', 'other', 'reserve O1']);
    const ofOrder = spansOfOrder(spans, 'O1');
    expect(ofOrder.map((s) => s.name).sort()).toEqual(['DynamoDB.PutItem', 'orders.place', 'reserve O1']);
    const put = ofOrder.find((s) => s.name === 'DynamoDB.PutItem')!;
    expect(put.parentSpanId).toBe(ofOrder.find((s) => s.name === 'orders.place')!.spanId);
    expect(put.scope).toBe('aws-sdk');
    expect(put.endMs).toBeGreaterThanOrEqual(put.startMs);

    const drawn = renderWaterfall(ofOrder).split('\n');
    const place = drawn.findIndex((l) => l.endsWith(' orders.place'));
    expect(drawn[place + 1]).toMatch(/aws-sdk\s+ {2}DynamoDB\.PutItem$/); // indented under its parent
    expect(drawn.find((l) => l.includes('reserve O1'))).toMatch(/processor .*✗ no stock table$/);
    expect(drawn.filter((l) => l.startsWith('trace '))).toHaveLength(2); // the order's two traces
  });
});

/** An X-Ray OTLP exporter sending to `server`, a local stand-in for X-Ray's endpoint, once it listens. */
async function exporterTo(server: Server, options: { timeoutMs?: number } = {}): Promise<XRayOtlpExporter> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return new XRayOtlpExporter({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${port}/v1/traces`,
    credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
    ...options,
  });
}

describe('X-Ray OTLP exporter', () => {
  it('posts OTLP protobuf signed with SigV4 for the xray service', async () => {
    const received: Array<{ headers: Record<string, string | string[] | undefined>; bytes: number; path?: string }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, bytes: Buffer.concat(chunks).length, ...(req.url ? { path: req.url } : {}) });
        res.writeHead(200).end();
      });
    });
    const exporter = await exporterTo(server);
    const tracing = startTracing('orders-processor', exporter);
    try {
      await inSpan(SCOPE.processor, 'reserve O1', {}, async () => undefined);
      await tracing.flush();
    } finally {
      await tracing.shutdown();
      server.close();
    }
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request!.path).toBe('/v1/traces');
    expect(request!.headers['content-type']).toBe('application/x-protobuf');
    expect(request!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/xray\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(request!.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(request!.bytes).toBeGreaterThan(20);
  });

  it('reports a rejected export as failed', async () => {
    const server = createServer((_req, res) => res.writeHead(403).end('{"message":"not authorized"}'));
    const exporter = await exporterTo(server);
    const memory = new InMemorySpanExporter();
    const tracing = startTracing('t', memory, { immediate: true });
    await inSpan(SCOPE.processor, 'x', {}, async () => undefined);
    await tracing.shutdown();
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(memory.getFinishedSpans(), resolve));
    server.close();
    expect(result.code).toBe(1);
    expect(result.error?.message).toMatch(/403/);
  });
});

describe('the processor’s span export, bounded', () => {
  const invocation = { Records: [] };
  const lambdaContext = {} as Context;

  it('gives up on an endpoint that never answers: the invocation returns within the bound, the request is aborted', async () => {
    // X-Ray's endpoint as a stalled network makes it: the request arrives, no answer ever leaves.
    let arrived!: () => void;
    let abandoned!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    const requestAbandoned = new Promise<void>((resolve) => (abandoned = resolve));
    const server = createServer((req, res) => {
      req.resume();
      arrived();
      res.on('close', abandoned); // the client hung up: nothing of this export is left running
    });
    const exporter = await exporterTo(server, { timeoutMs: 300 });
    const tracing = startTracing('orders-processor', exporter); // batching, as in Lambda
    const unexported: string[] = [];
    const decide: ProcessorHandler = async () => {
      await inSpan(SCOPE.processor, 'reserve O1', {}, async () => undefined);
      return { batchItemFailures: [] };
    };
    const handler = exportingSpans(decide, tracing, { flushTimeoutMs: 1_000, onUnexported: (why) => unexported.push(why) });
    try {
      const started = Date.now();
      await expect(handler(invocation, lambdaContext)).resolves.toEqual({ batchItemFailures: [] });
      const tookMs = Date.now() - started;
      await requestArrived;
      await requestAbandoned;
      // The exporter's own timeout ended it (not the flush bound, which is longer), and the invocation heard why.
      expect(unexported).toEqual(['span export failed: X-Ray OTLP export gave up after 300 ms']);
      // Unbounded, the batch processor would have waited 30 s for the export: the bound is what ended the wait.
      expect(tookMs).toBeLessThan(1_000);
    } finally {
      await tracing.shutdown();
      server.closeAllConnections();
      server.close();
    }
  });

  it('returns at the flush bound even when the export never settles at all', async () => {
    const unexported: string[] = [];
    const stuck = { flush: () => new Promise<void>(() => undefined), shutdown: async () => undefined };
    const decide: ProcessorHandler = async () => ({ batchItemFailures: [{ itemIdentifier: '7' }] });
    const handler = exportingSpans(decide, stuck, { flushTimeoutMs: 200, onUnexported: (why) => unexported.push(why) });
    // The decisions' answer comes back unchanged; only the spans are given up.
    await expect(handler(invocation, lambdaContext)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: '7' }] });
    expect(unexported).toEqual(['span export still running after 200 ms']);
  });

  it('passes a handler through untouched when tracing is off', () => {
    const handler = async () => ({ batchItemFailures: [] });
    expect(exportingSpans(handler, undefined, { flushTimeoutMs: 1 })).toBe(handler);
  });
});
