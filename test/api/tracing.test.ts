import { createServer, type Server } from 'node:http';
import { freePort } from '../../local/process';
import { createTestTable, standIns, tokenFor, type TestTable } from '../support/env';
import { apiProcessEnv, exited, request, spawnTs, waitFor } from '../support/processes';

/**
 * The API process, as the ECS task runs it, exports OpenTelemetry spans over OTLP to the collector sidecar:
 * here a small OTLP/HTTP receiver stands in for the ADOT collector. The trace continues the ALB's X-Ray header.
 */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: { stringValue?: string } }>;
}

let table: TestTable;
let receiver: Server;
const spans: OtlpSpan[] = [];

beforeAll(async () => {
  table = await createTestTable();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const payload = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
      for (const rs of payload.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  receiver.close();
  await table.drop();
});

it('exports a server span in the ALB’s X-Ray trace, the order write under it, and a client span per DynamoDB call', async () => {
  const port = await freePort();
  const address = receiver.address() as { port: number };
  const api = spawnTs(
    'service/src/main.ts',
    apiProcessEnv(standIns(), table.tableName, port, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${address.port}`, OTEL_BSP_SCHEDULE_DELAY: '100' }),
  );
  try {
    await waitFor(async () => (await request(port, 'GET', '/v1/health', {})).status === 200, 30_000, 'the API', api);
    const root = '1-67891233-abcdef012345678912345678';
    const res = await request(
      port,
      'POST',
      '/v1/orders',
      {
        Authorization: `Bearer ${await tokenFor('alice')}`,
        'Content-Type': 'application/json',
        'X-Amzn-Trace-Id': `Root=${root};Parent=53995c3f42cd8ad8;Sampled=1`,
      },
      JSON.stringify({ items: [{ sku: 'KB-001', quantity: 1 }] }),
    );
    expect(res.status).toBe(202);
    const traceId = root.slice(2).replace('-', '');
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
    expect(dynamo.map((s) => s.name).sort()).toEqual(['DynamoDB.BatchGetItem', 'DynamoDB.PutItem']);
    expect(dynamo.every((s) => attribute(s, 'rpc.system') === 'aws-api' && attribute(s, 'rpc.service') === 'DynamoDB')).toBe(true);
    expect(dynamo.find((s) => s.name === 'DynamoDB.PutItem')!.parentSpanId).toBe(place.spanId);
    // Health checks are not traced: the ALB probes every 15 s per task.
    expect(spans.some((s) => s.attributes?.some((a) => a.value.stringValue?.includes('/v1/health')))).toBe(false);
  } finally {
    api.kill('SIGTERM');
    await exited(api);
  }
}, 90_000);
