import { createServer, type Server } from 'node:http';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { orderKey } from '../../core/table';
import { SCOPE, inSpan, type TraceCarrier } from '../../core/tracing/context';
import { startTracing } from '../../core/tracing/provider';
import { freePort } from '../../local/process';
import { decideInSpan } from '../../processor/src/tracing';
import { LoadBalancerTraceHeader, RequestSampler, loadBalancerTraceId } from '../../service/src/apiTracing';
import { readConfig } from '../../service/src/config';
import { createTestTable, standIns, tokenFor, type TestTable } from '../support/env';
import { apiProcessEnv, exited, request, spawnTs, waitFor } from '../support/processes';

/**
 * The API process, as the ECS task runs it, exports OpenTelemetry spans over OTLP to the collector sidecar:
 * here a small OTLP/HTTP receiver stands in for the ADOT collector. A trace continues the load balancer's
 * X-Amzn-Trace-Id (its id, never a client's sampling flag), a client's traceparent is ignored, and the API
 * samples requests at TRACE_SAMPLE_RATIO.
 */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: { stringValue?: string } }>;
}

/** A stand-in for the ADOT collector: every span it receives. */
async function otlpReceiver() {
  const spans: OtlpSpan[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const payload = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
      for (const rs of payload.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { spans, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => server.close() };
}

/** The API process, tracing to `receiver` at `ratio`; stop() flushes its spans (SIGTERM) and waits for the exit. */
async function tracedApi(receiver: { url: string }, ratio: string) {
  const port = await freePort();
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100', TRACE_SAMPLE_RATIO: ratio };
  const child = spawnTs('service/src/main.ts', apiProcessEnv(standIns(), table.tableName, port, env));
  await waitFor(async () => (await request(port, 'GET', '/v1/health', {})).status === 200, 60_000, 'the API', child);
  return {
    place: async (headers: Record<string, string>) => {
      const res = await request(
        port,
        'POST',
        '/v1/orders',
        { Authorization: `Bearer ${await tokenFor('alice')}`, 'Content-Type': 'application/json', ...headers },
        JSON.stringify({ items: [{ sku: 'KB-001', quantity: 1 }] }),
      );
      expect(res.status).toBe(202);
      return JSON.parse(res.body ?? '{}') as { orderId: string };
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited(child);
    },
  };
}

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table.drop();
});

const idOf = (xray: string) => xray.slice(2).replace('-', '');
const storedCarrier = async (orderId: string) =>
  (await table.db.send(new GetCommand({ TableName: table.tableName, Key: orderKey(orderId) }))).Item?.trace as TraceCarrier | undefined;

describe('at TRACE_SAMPLE_RATIO=1', () => {
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  let api: Awaited<ReturnType<typeof tracedApi>>;
  beforeAll(async () => {
    receiver = await otlpReceiver();
    api = await tracedApi(receiver, '1');
  }, 90_000);
  afterAll(async () => {
    await api?.stop();
    receiver.close();
  });

  it('exports a server span in the ALB’s X-Ray trace, the order write under it, and a client span per DynamoDB call', async () => {
    const { spans } = receiver;
    const root = '1-67891233-abcdef012345678912345678';
    await api.place({ 'X-Amzn-Trace-Id': `Root=${root}` }); // as the ALB sends a request that came without one
    const traceId = idOf(root);
    await waitFor(async () => spans.some((s) => s.traceId === traceId && s.kind === 2), 10_000, 'the server span');
    await waitFor(
      async () => spans.filter((s) => s.traceId === traceId && s.kind === 3).length >= 2 && spans.some((s) => s.name === 'orders.place'),
      10_000,
      'the DynamoDB spans',
    );
    const inTrace = spans.filter((s) => s.traceId === traceId);
    const server = inTrace.find((s) => s.kind === 2)!;
    expect(server.name).toBe('POST /v1/orders'); // named after the matched route
    const attribute = (s: OtlpSpan, key: string) => s.attributes?.find((a) => a.key === key)?.value.stringValue;
    // The span whose context is stored on the order for the processor, inside the ALB's trace.
    const place = inTrace.find((s) => s.name === 'orders.place')!;
    expect(place.parentSpanId).toBe(server.spanId);
    // One client span per DynamoDB call, named and attributed as AWS calls (what draws DynamoDB on X-Ray's map);
    // the SDK's own HTTP requests are not traced a second time (they would be more client spans).
    const dynamo = inTrace.filter((s) => s.kind === 3);
    // (The write is one transaction: the order with the customer's open-order count.)
    expect(dynamo.map((s) => s.name).sort()).toEqual(['DynamoDB.BatchGetItem', 'DynamoDB.TransactWriteItems']);
    expect(dynamo.find((s) => s.name === 'DynamoDB.TransactWriteItems')!.parentSpanId).toBe(place.spanId);
    expect(dynamo.every((s) => attribute(s, 'rpc.system') === 'aws-api' && attribute(s, 'rpc.service') === 'DynamoDB')).toBe(true);
    // Health checks are not traced: the ALB probes every 15 s per task.
    expect(spans.some((s) => s.attributes?.some((a) => a.value.stringValue?.includes('/v1/health')))).toBe(false);
  }, 60_000);

  it('continues the id the ALB added (Self), not the Root a client sent, nor its Parent', async () => {
    const { spans } = receiver;
    const clients = '1-67891233-111111111111111111111111';
    const albs = '1-67891234-222222222222222222222222';
    await api.place({ 'X-Amzn-Trace-Id': `Self=${albs};Root=${clients};Parent=53995c3f42cd8ad8;Sampled=1` });
    await waitFor(async () => spans.some((s) => s.traceId === idOf(albs) && s.name === 'orders.place'), 10_000, 'the ALB’s trace');
    expect(spans.some((s) => s.traceId === idOf(clients))).toBe(false);
    expect(spans.find((s) => s.traceId === idOf(albs) && s.kind === 2)!.parentSpanId).not.toBe('53995c3f42cd8ad8');
  }, 30_000);

  it('does not continue a client’s W3C traceparent', async () => {
    const { spans } = receiver;
    const clients = '0af7651916cd43dd8448eb211c80319c';
    const { orderId } = await api.place({ traceparent: `00-${clients}-b7ad6b7169203331-01`, tracestate: 'vendor=x' });
    const written = () => spans.find((s) => s.name === 'orders.place' && s.attributes?.some((a) => a.value.stringValue === orderId));
    await waitFor(async () => written() !== undefined, 10_000, 'the write');
    const traced = written()!;
    expect(traced.traceId).not.toBe(clients);
    expect(spans.some((s) => s.traceId === clients)).toBe(false);
    expect(spans.find((s) => s.traceId === traced.traceId && s.kind === 2)!.parentSpanId ?? '').not.toBe('b7ad6b7169203331');
  }, 30_000);
});

describe('at TRACE_SAMPLE_RATIO=0', () => {
  it('records nothing, though the client asks with Sampled=1 and a sampled traceparent; the stored carrier says unsampled', async () => {
    const receiver = await otlpReceiver();
    const api = await tracedApi(receiver, '0');
    const root = '1-67891233-333333333333333333333333';
    let orderId: string;
    try {
      ({ orderId } = await api.place({
        'X-Amzn-Trace-Id': `Root=${root};Parent=53995c3f42cd8ad8;Sampled=1`,
        traceparent: `00-${idOf(root)}-b7ad6b7169203331-01`,
      }));
    } finally {
      await api.stop(); // SIGTERM flushes the exporter: whatever was recorded has arrived once the process is gone
      receiver.close();
    }
    expect(receiver.spans).toEqual([]);
    // The order still carries its trace context, in the ALB's trace and marked unsampled, for the processor.
    const carrier = await storedCarrier(orderId);
    expect(carrier?.traceparent).toMatch(new RegExp(`^00-${idOf(root)}-[0-9a-f]{16}-00$`));
    expect(carrier?.['x-amzn-trace-id']).toMatch(new RegExp(`^Root=${root};Parent=[0-9a-f]{16};Sampled=0$`));

    // The processor (the Lambda's setup: every span follows its parent) records nothing under that carrier, and
    // everything under a sampled one.
    const exported = new InMemorySpanExporter();
    const tracing = startTracing('orders-processor', exported, { immediate: true });
    try {
      const decide = (carrier: TraceCarrier | undefined) =>
        decideInSpan('reserve x', orderId, { carrier, writtenAt: new Date(Date.now() - 50).toISOString(), redrive: false }, () =>
          inSpan(SCOPE.awsSdk, 'DynamoDB.TransactWriteItems', { kind: SpanKind.CLIENT }, async () => 'done'),
        );
      await decide(carrier);
      expect(exported.getFinishedSpans()).toEqual([]);
      const sampled = { traceparent: carrier!.traceparent!.replace(/-00$/, '-01') };
      await decide(sampled);
      expect(exported.getFinishedSpans().map((s) => [s.name, s.spanContext().traceId])).toEqual([
        ['stream wait', idOf(root)],
        ['DynamoDB.TransactWriteItems', idOf(root)],
        ['reserve x', idOf(root)],
      ]);
    } finally {
      await tracing.shutdown();
    }
  }, 120_000);
});

describe('what a request’s trace may continue, and what is sampled', () => {
  it('takes the trace id the ALB vouches for: Self when it added one, else Root; never anything else', () => {
    expect(loadBalancerTraceId('Root=1-67891233-abcdef012345678912345678')).toBe('67891233abcdef012345678912345678');
    expect(loadBalancerTraceId('Self=1-67891234-222222222222222222222222;Root=1-67891233-abcdef012345678912345678;CalledFrom=app')).toBe(
      '67891234222222222222222222222222',
    );
    for (const header of [
      undefined,
      '',
      'Parent=53995c3f42cd8ad8;Sampled=1',
      'Root=1-0-1',
      'Root=1-00000000-000000000000000000000000',
      'Self=junk;Root=1-67891233-abcdef012345678912345678',
    ]) {
      expect({ header, traceId: loadBalancerTraceId(header) }).toEqual({ header, traceId: undefined });
    }
  });

  it('extracts an unsampled remote parent from X-Amzn-Trace-Id only', () => {
    const propagator = new LoadBalancerTraceHeader();
    const getter = { get: (c: Record<string, string>, k: string) => c[k], keys: (c: Record<string, string>) => Object.keys(c) };
    const parent = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, { 'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678;Sampled=1' }, getter));
    expect(parent).toMatchObject({ traceId: '67891233abcdef012345678912345678', traceFlags: TraceFlags.NONE, isRemote: true });
    expect(
      trace.getSpanContext(propagator.extract(ROOT_CONTEXT, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, getter)),
    ).toBeUndefined();
  });

  it('draws each request’s decision at the ratio, and lets every other span follow its parent', () => {
    const remote = (flags: TraceFlags) =>
      trace.setSpanContext(ROOT_CONTEXT, { traceId: '67891233abcdef012345678912345678', spanId: '53995c3f42cd8ad8', traceFlags: flags, isRemote: true });
    const local = (flags: TraceFlags) =>
      trace.setSpanContext(ROOT_CONTEXT, { traceId: '67891233abcdef012345678912345678', spanId: '53995c3f42cd8ad8', traceFlags: flags });
    const decision = (sampler: RequestSampler, context = ROOT_CONTEXT, kind = SpanKind.SERVER) => sampler.shouldSample(context, '', 'x', kind).decision;
    const [never, always, half] = [new RequestSampler(0), new RequestSampler(1), new RequestSampler(0.5, () => 0.7)];
    expect([decision(never), decision(never, remote(TraceFlags.SAMPLED))]).toEqual([0, 0]); // NOT_RECORD: a client's flag forces nothing
    expect([decision(always), decision(always, remote(TraceFlags.NONE))]).toEqual([2, 2]); // RECORD_AND_SAMPLED
    expect(decision(half)).toBe(0);
    expect([decision(never, local(TraceFlags.SAMPLED), SpanKind.INTERNAL), decision(always, local(TraceFlags.NONE), SpanKind.CLIENT)]).toEqual([2, 0]);
    // A stored carrier (a remote parent of the processor's consumer span) keeps the API's decision.
    expect([decision(always, remote(TraceFlags.NONE), SpanKind.CONSUMER), decision(never, remote(TraceFlags.SAMPLED), SpanKind.CONSUMER)]).toEqual([0, 2]);
  });

  it('reads TRACE_SAMPLE_RATIO from 0 to 1, 1 when unset', () => {
    const base = { TABLE_NAME: 't', COGNITO_CLIENT_ID: 'c', COGNITO_USER_POOL_ID: 'p', COGNITO_ADMIN_CLIENT_ID: 'a', COGNITO_ADMIN_USER_POOL_ID: 'q' };
    expect(readConfig(base).TRACE_SAMPLE_RATIO).toBe(1);
    expect(readConfig({ ...base, TRACE_SAMPLE_RATIO: '0.05' }).TRACE_SAMPLE_RATIO).toBe(0.05);
    for (const value of ['1.5', '-0.1', 'all']) expect(() => readConfig({ ...base, TRACE_SAMPLE_RATIO: value })).toThrow(/TRACE_SAMPLE_RATIO/);
  });
});
