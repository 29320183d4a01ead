import { appendFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { SCOPE, contextFromCarrier, currentTraceCarrier, inSpan } from '../../core/tracing/context';
import { startTracing } from '../../core/tracing/provider';
import { OtlpFileExporter } from '../../local/traces/file';
import { readSpans, renderWaterfall, spansOfOrder } from '../../local/traces/waterfall';
import { XRayOtlpExporter } from '../../processor/src/xrayExporter';

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
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'traces-')), 'traces.jsonl');
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
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const exporter = new XRayOtlpExporter({
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${port}/v1/traces`,
      credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
    });
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
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const exporter = new XRayOtlpExporter({
      region: 'eu-west-1',
      endpoint: `http://127.0.0.1:${port}/v1/traces`,
      credentials: async () => ({ accessKeyId: 'A', secretAccessKey: 'B' }),
    });
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
