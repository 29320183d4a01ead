import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import pino from 'pino';
import { isTerminal, type Order } from '../../core/domain/order';
import { ENTITY } from '../../core/table';
import { startTracing, type Tracing } from '../../core/tracing/provider';
import { localProcessor } from '../../local/processor';
import { redriveDeadLetters } from '../../local/poller/redrive';
import { createTestApi, type TestApi } from '../support/api';
import { capturedWrites } from '../support/capturedWrites';
import { scanTable } from '../support/env';
import { checkInvariants } from '../support/invariants';
import { eventually, startTestPoller, storesOf, type TestPoller } from '../support/pipeline';

/**
 * One order, one trace: the API stores the context of the request that wrote a change on the order, and the
 * processor continues it through the stream. Real API, DynamoDB Local, stream, poller and processor; spans
 * are collected in memory by the same OpenTelemetry SDK setup the deployables use.
 */
const spans = new InMemorySpanExporter();
let tracing: Tracing;
let api: TestApi;
let pipeline: TestPoller;
const apiLog: Array<Record<string, unknown>> = [];
// Powertools' Logger writes JSON lines to stdout: read the processor's from there (the API's pass through).
const processorWrites = capturedWrites({ streams: ['stdout'], keep: (text) => text.includes('"service":"orders-processor"') });
/**
 * Records of orders holding one of these SKUs fail while it is set: their batch goes to the dead-letter store.
 * Keyed by SKU, not order id, so the failure is in place before the order is written (the poller may decide an
 * order before the API's answer reaches the test).
 */
const failing = new Set<string>();
const skusOf = (image: Record<string, { L?: Array<{ M?: Record<string, { S?: string }> }> }> | undefined) =>
  (image?.items?.L ?? []).map((item) => item.M?.sku?.S ?? '');
const initialStock = new Map<string, number>();

beforeAll(async () => {
  tracing = startTracing('orders-test', spans, { immediate: true });
  api = await createTestApi({ logger: pino({ level: 'info' }, { write: (line: string) => void apiLog.push(JSON.parse(line)) }) });
  for (const item of await scanTable(api.table.db, api.table.tableName)) {
    if (item.entityType === ENTITY.product) initialStock.set(item.sku as string, item.stock as number);
  }
  const handler = localProcessor({ db: api.table.db, tableName: api.table.tableName, logLevel: 'INFO' });
  pipeline = await startTestPoller(
    api.table,
    async (event, context) => {
      const skus = event.Records.flatMap((r) => skusOf(r.dynamodb?.NewImage as Parameters<typeof skusOf>[0]));
      if (skus.some((sku) => failing.has(sku))) throw new Error('downstream unavailable');
      return handler(event, context);
    },
    { settings: { maximumRetryAttempts: 0 } },
  );
});
afterAll(async () => {
  await pipeline.stop();
  await api.close();
  await tracing.shutdown();
});

const finished = () => spans.getFinishedSpans();
const spanOf = (name: string, orderId: string) => finished().find((s) => s.name === name && s.attributes['order.id'] === orderId);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const childrenOf = (span: ReadableSpan) => finished().filter((s) => parentOf(s) === span.spanContext().spanId);

const bodies: unknown[] = [];
async function place(items: Array<{ sku: string; quantity: number }>): Promise<Order> {
  const res = await api.http
    .post('/v1/orders')
    .set('Authorization', await api.auth('alice'))
    .send({ items });
  expect(res.status).toBe(202);
  bodies.push(res.body);
  return res.body as Order;
}
/** A product of the test's own, with `units` in stock (the invariants count from there). */
async function stock(sku: string, units: number): Promise<void> {
  const res = await api.http
    .put(`/v1/products/${sku}`)
    .set('Authorization', await api.auth('admin'))
    .send({ name: sku, price: 100, currency: 'EUR', stock: units });
  expect(res.status).toBeLessThan(300);
  initialStock.set(sku, units);
}
const decided = (orderId: string) =>
  eventually(
    async () => {
      const order = await storesOf(api.table).orders.get(orderId);
      return order && (isTerminal(order.status) || order.status === 'CONFIRMED') ? order : undefined;
    },
    20_000,
    `order ${orderId} decided`,
  );

/** The processor's decision continues the trace of the API span that wrote the change, and shows its parts. */
async function expectContinued(apiSpanName: string, decisionName: string, orderId: string): Promise<ReadableSpan> {
  const written = await eventually(async () => spanOf(apiSpanName, orderId), 10_000, apiSpanName);
  const decision = await eventually(async () => spanOf(decisionName, orderId), 20_000, decisionName);
  expect(decision.spanContext().traceId).toBe(written.spanContext().traceId);
  expect(parentOf(decision)).toBe(written.spanContext().spanId);
  // The wait in the stream is its own interval, from the write until the processor picked the record up.
  const wait = await eventually(
    async () => finished().find((s) => s.name === 'stream wait' && s.attributes['order.id'] === orderId && parentOf(s) === written.spanContext().spanId),
    5000,
    'stream wait',
  );
  expect(wait.endTime).toEqual(decision.startTime);
  // Each DynamoDB call of the decision is a child span, named as an AWS call.
  expect(childrenOf(decision).map((s) => s.name)).toContain('DynamoDB.TransactWriteItems');
  expect(childrenOf(decision).every((s) => s.attributes['rpc.system'] === 'aws-api')).toBe(true);
  // And the API's own DynamoDB write is a child of its span.
  expect(childrenOf(written).map((s) => s.attributes['rpc.service'])).toContain('DynamoDB');
  return decision;
}

describe('one trace per order', () => {
  it('create → CONFIRMED', async () => {
    const order = await place([{ sku: 'KB-001', quantity: 1 }]);
    expect((await decided(order.orderId)).status).toBe('CONFIRMED');
    const decision = await expectContinued('orders.place', `reserve ${order.orderId}`, order.orderId);
    expect(decision.attributes['order.outcome']).toBe('CONFIRMED');
    expect(decision.attributes['orders.redrive']).toBe(false);
  });

  it('create → REJECTED', async () => {
    await stock('SCARCE-1', 1);
    const order = await place([{ sku: 'SCARCE-1', quantity: 2 }]);
    expect((await decided(order.orderId)).status).toBe('REJECTED');
    const decision = await expectContinued('orders.place', `reserve ${order.orderId}`, order.orderId);
    expect(decision.attributes['order.outcome']).toBe('REJECTED');
  });

  it('cancel → release continues the cancel request’s trace', async () => {
    const order = await place([{ sku: 'CB-004', quantity: 1 }]);
    await decided(order.orderId);
    const res = await api.http
      .post(`/v1/orders/${order.orderId}/cancel`)
      .set('Authorization', await api.auth('alice'))
      .send({});
    expect(res.status).toBe(200);
    bodies.push(res.body);
    const release = await expectContinued('orders.cancel', `release ${order.orderId}`, order.orderId);
    expect(release.attributes['order.outcome']).toBe('RELEASED');
    expect(release.spanContext().traceId).not.toBe(spanOf('orders.place', order.orderId)!.spanContext().traceId);
  });

  it('a dead-letter redrive continues the original trace and says it is a redrive', async () => {
    await stock('REDRIVE-1', 5);
    failing.add('REDRIVE-1');
    const order = await place([{ sku: 'REDRIVE-1', quantity: 1 }]);
    await eventually(
      async () => (await pipeline.state.deadLetters()).some((l) => l.records.some((r) => r.dynamodb?.NewImage?.orderId?.S === order.orderId)),
      20_000,
      'the dead letter',
    );
    failing.delete('REDRIVE-1');
    const handler = localProcessor({ db: api.table.db, tableName: api.table.tableName, logLevel: 'SILENT' });
    const results = await redriveDeadLetters(pipeline.state, (event: DynamoDBStreamEvent, context) => handler(event, context));
    expect(results.every((r) => r.ok)).toBe(true);
    expect((await decided(order.orderId)).status).toBe('CONFIRMED');
    const decision = await expectContinued('orders.place', `reserve ${order.orderId}`, order.orderId);
    expect(decision.attributes['orders.redrive']).toBe(true);
  });

  it('keeps every invariant, and no trace context ever reaches a response', async () => {
    const report = await checkInvariants(api.table.db, api.table.tableName, initialStock, await pipeline.state.deadLetters());
    expect(report.violations).toEqual([]);
    const listed = await api.http.get('/v1/orders').set('Authorization', await api.auth('alice'));
    const one = await api.http.get(`/v1/orders/${(bodies[0] as Order).orderId}`).set('Authorization', await api.auth('alice'));
    const traceIds = [...new Set(finished().map((s) => s.spanContext().traceId))];
    for (const body of [...bodies, listed.body, one.body].map((b) => JSON.stringify(b))) {
      expect(body).not.toMatch(/traceparent|x-amzn-trace-id|"trace"/i);
      for (const traceId of traceIds) expect(body).not.toContain(traceId);
    }
    // Stored, though: the item carries the context for the processor.
    const item = (await scanTable(api.table.db, api.table.tableName)).find((i) => i.orderId === (bodies[0] as Order).orderId)!;
    expect((item.trace as Record<string, string>).traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect((item.trace as Record<string, string>)['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/);
  });

  it('every log line about an order carries its trace id and order id', async () => {
    const placed = spanOf('orders.place', (bodies[0] as Order).orderId)!;
    const requestLine = apiLog.find((l) => l.msg === 'request' && l.orderId === (bodies[0] as Order).orderId);
    expect(requestLine?.traceId).toBe(placed.spanContext().traceId);
    const aboutOrders = processorWrites.map((w) => w.line).filter((l) => typeof l.message === 'string' && /^order |stock |redriven/.test(l.message as string));
    expect(aboutOrders.length).toBeGreaterThan(3);
    for (const line of aboutOrders) {
      expect(line.orderId).toEqual(expect.any(String));
      const written = ['orders.place', 'orders.cancel'].map((name) => spanOf(name, line.orderId as string)?.spanContext().traceId);
      expect(written).toContain(line.traceId);
    }
  });
});
