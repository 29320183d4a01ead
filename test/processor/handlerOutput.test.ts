import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { DynamoDBRecord } from 'aws-lambda';
import { cancel, newOrder, type Order } from '../../core/domain/order';
import { newOrderId } from '../../core/ids';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../core/serviceNames';
import { OrderStore } from '../../core/store/orders';
import { orderKey, productKey } from '../../core/table';
import { orderToItem, productToItem } from '../../core/tableItems';
import { startTracing, type Tracing } from '../../core/tracing/provider';
import type { ProcessorEvent } from '../../core/streamHandler';
import { buildProcessor } from '../../processor/src/processor';
import { tableBehindLayer } from '../contention/layer';
import { capturedWrites, type Written } from '../support/capturedWrites';
import { orderRecords } from '../support/orderRecords';
import { eventually } from '../support/pipeline';

/**
 * What the processor tells an operator, read where they read it: Powertools' JSON log lines and EMF metrics on
 * stdout (CloudWatch Logs takes them from there), the warnings on stderr, and the decision spans. The processor is
 * built as every runtime builds it (processor/src/processor.ts) on a real table; conflicts are real ones, met
 * through a contention layer holding a transaction in flight. Found missing by mutation testing: every field of
 * these lines could be emptied with the rest of the suite green.
 */
// A held transaction keeps its items until released (the default lets go after 10 ms, as DynamoDB's take).
const env = tableBehindLayer({ maxHoldMs: Infinity });
const now = new Date();
const { image, record, inserted, modified } = orderRecords(now);
const context = { awsRequestId: 'req-7', functionName: 'orders-processor' } as never;

type Line = Written['line'];
/** Every line the processor wrote, in the order written, with the stream it went to. */
const output = capturedWrites();
const lines = (stream: 'stdout' | 'stderr') => output.filter((o) => o.stream === stream).map((o) => o.line);
let spans: InMemorySpanExporter;
let tracing: Tracing;
beforeAll(() => {
  spans = new InMemorySpanExporter();
  tracing = startTracing(SERVICE_NAME.processor, spans, { immediate: true });
});
afterAll(() => tracing.shutdown());
beforeEach(() => {
  output.splice(0);
  spans.reset();
});

const processor = (logLevel: 'DEBUG' | 'INFO' = 'DEBUG', concurrency?: number) =>
  buildProcessor({ db: env.layer.db, tableName: env.table.tableName, logLevel, ...(concurrency ? { concurrency } : {}) });
const orders = () => new OrderStore(env.table.db, env.table.tableName);
const logs = () => output.map((o) => o.line).filter((line) => 'message' in line);
const logged = (message: string) => logs().filter((line) => line.message === message);
const metricsOf = (line: Line) => (line._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> } | undefined)?.CloudWatchMetrics[0]?.Metrics;
const emf = () => lines('stdout').filter((line) => metricsOf(line) !== undefined);
const published = (name: string) => emf().filter((line) => metricsOf(line)!.some((m) => m.Name === name));
const spanNamed = (name: string) => spans.getFinishedSpans().find((s: ReadableSpan) => s.name === name);

async function product(sku: string, stock: number) {
  await env.table.db.send(
    new PutCommand({
      TableName: env.table.tableName,
      Item: productToItem({ sku, name: sku, price: 100, currency: 'EUR', stock, updatedAt: now.toISOString() }),
    }),
  );
}
async function storedOrder(sku: string, quantity: number): Promise<Order> {
  const order = newOrder({
    orderId: newOrderId(),
    customerId: 'c1',
    items: [{ sku, quantity, unitPrice: 100 }],
    currency: 'EUR',
    now: new Date(now.getTime() - 40),
  });
  await orders().create(order);
  return order;
}
/** Another writer's transaction on the product, held in flight until released: reservations of it conflict meanwhile. */
const holdingProduct = (sku: string) =>
  env.layer.holdTransaction([
    { Update: { TableName: env.table.tableName, Key: productKey(sku), UpdateExpression: 'SET touched = :t', ExpressionAttributeValues: { ':t': 1 } } },
  ]);
const decide = (records: DynamoDBRecord[], logLevel?: 'DEBUG' | 'INFO', extra: Partial<ProcessorEvent> = {}, concurrency?: number) =>
  processor(logLevel, concurrency)({ Records: records, ...extra }, context);
/** The orders' outcomes in the order they were logged. */
const outcomes = () =>
  logs().flatMap((line) => (line.message === 'order confirmed' || line.message === 'record failed' ? [`${line.orderId} ${line.message}`] : []));

/** Two orders in one batch, the first's product held by another transaction until its every retry has conflicted. */
async function oneHeldOneFree(concurrency?: number) {
  const sku = `LOG-HELD-${concurrency ?? 'default'}`;
  await product(sku, 5);
  await product('LOG-FREE', 50);
  const order = await storedOrder(sku, 1);
  const other = await storedOrder('LOG-FREE', 1);
  const held = await holdingProduct(sku);
  const failing = inserted(order);
  try {
    expect(await decide([failing, inserted(other)], 'INFO', {}, concurrency)).toEqual({
      batchItemFailures: [{ itemIdentifier: failing.dynamodb!.SequenceNumber }],
    });
  } finally {
    await held.release();
  }
  return { order, other, failing };
}

describe('the processor’s log lines and metrics', () => {
  it('say what each record came to, keyed by order, under the processor’s name, with the metrics in the namespace', async () => {
    await product('LOG-A', 5);
    await product('LOG-A2', 5);
    const fits = await storedOrder('LOG-A', 2);
    const short = await storedOrder('LOG-A2', 9);
    const ignored = record('INSERT', productToItem({ sku: 'LOG-B', name: 'B', price: 1, currency: 'EUR', stock: 1, updatedAt: '' }));
    expect(await decide([inserted(fits), inserted(short), ignored])).toEqual({ batchItemFailures: [] });

    const confirmed = logged('order confirmed');
    expect(confirmed).toEqual([
      expect.objectContaining({ level: 'INFO', service: SERVICE_NAME.processor, orderId: fits.orderId, function_request_id: 'req-7' }),
    ]);
    expect(confirmed[0]).not.toHaveProperty('reason');
    expect(logged('order rejected')).toEqual([
      expect.objectContaining({ orderId: short.orderId, reason: 'insufficient stock: LOG-A2', detail: 'insufficient stock (LOG-A2: 5 in stock, 9 ordered)' }),
    ]);
    expect(logged('record ignored')).toEqual([
      expect.objectContaining({ level: 'DEBUG', eventID: ignored.eventID, why: 'not an order change the processor owns' }),
    ]);
    // Each decision line carries the trace it continues.
    expect(confirmed[0]!.traceId).toBe(spanNamed(`reserve ${fits.orderId}`)!.spanContext().traceId);

    expect(emf()).toHaveLength(1);
    const [doc] = emf();
    expect(doc).toMatchObject({ service: SERVICE_NAME.processor, OrdersConfirmed: 1, OrdersRejected: 1 });
    expect((doc!._aws as { CloudWatchMetrics: Array<{ Namespace: string }> }).CloudWatchMetrics[0]!.Namespace).toBe(METRICS_NAMESPACE);
  });

  it('say an order already decided needs nothing, and count no decision for it', async () => {
    await product('LOG-C', 5);
    const order = await storedOrder('LOG-C', 1);
    await decide([inserted(order)]);
    output.splice(0);
    spans.reset();
    await decide([inserted(order)]);
    expect(logged('order already decided; nothing to do')).toEqual([expect.objectContaining({ orderId: order.orderId })]);
    expect([published('OrdersConfirmed'), published('OrdersRejected'), published('ProcessingLatency')]).toEqual([[], [], []]);
    expect(spanNamed(`reserve ${order.orderId}`)!.attributes['order.outcome']).toBe('UNCHANGED');
  });

  it('say when stock went back and when it already had, counting only the release', async () => {
    await product('LOG-D', 5);
    const order = await storedOrder('LOG-D', 2);
    await decide([inserted(order)]);
    const confirmed = (await orders().get(order.orderId))!;
    const cancelled = cancel(confirmed, now);
    await orders().apply(cancelled);
    const change = modified(confirmed, cancelled.next);
    output.splice(0);
    await decide([change]);
    expect(logged('stock released')).toEqual([expect.objectContaining({ orderId: order.orderId })]);
    expect(published('StockReleased')).toHaveLength(1);
    expect(spanNamed(`release ${order.orderId}`)!.attributes['order.outcome']).toBe('RELEASED');

    output.splice(0);
    spans.reset();
    await decide([change]);
    expect(logged('stock already released; nothing to do')).toEqual([expect.objectContaining({ orderId: order.orderId })]);
    expect(logged('stock released')).toEqual([]);
    expect(published('StockReleased')).toEqual([]);
    expect(spanNamed(`release ${order.orderId}`)!.attributes['order.outcome']).not.toBe('RELEASED');
  });

  it('publish nothing, and warn of nothing, for a batch with no decision in it', async () => {
    const ignored = record('INSERT', productToItem({ sku: 'LOG-E', name: 'E', price: 1, currency: 'EUR', stock: 1, updatedAt: '' }));
    await decide([ignored], 'INFO');
    expect(output).toEqual([]);
  });

  it('name the record that failed, by sequence number, and why the same order’s later records were held back', async () => {
    await product('LOG-F', 5);
    const order = await storedOrder('LOG-F', 1);
    const withKeys = (r: DynamoDBRecord): DynamoDBRecord => ({ ...r, dynamodb: { ...r.dynamodb, Keys: image(orderKey(order.orderId)) } });
    const unreadable = withKeys(record('INSERT', { ...orderToItem(order), items: [{ sku: 'LOG-F', quantity: 'one', unitPrice: 100 }] }));
    const later = withKeys(inserted(order));
    // Both records fail, so the whole batch does: Powertools hands back each record's error.
    const failed = (await decide([unreadable, later]).catch((err: unknown) => err)) as { recordErrors: Error[] };
    expect(failed.recordErrors.map((err) => err.message)).toEqual([
      expect.stringContaining('quantity'),
      `an earlier record of order ${order.orderId} failed in this batch`,
    ]);
    expect(logged('record unreadable')).toEqual([
      expect.objectContaining({ level: 'ERROR', eventID: unreadable.eventID, sequenceNumber: unreadable.dynamodb!.SequenceNumber, orderId: order.orderId }),
    ]);
  });

  it('name the order, the record and the error when a decision fails, and decide the other orders meanwhile', async () => {
    const { order, other, failing } = await oneHeldOneFree();
    // Decided while the first order was still retrying, not after: records of different orders are decided at once.
    expect(outcomes()).toEqual([`${other.orderId} order confirmed`, `${order.orderId} record failed`]);
    expect(logged('record failed')).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        orderId: order.orderId,
        sequenceNumber: failing.dynamodb!.SequenceNumber,
        error: expect.objectContaining({ name: 'StockContentionError', message: expect.stringContaining('TransactionConflict') }),
      }),
    ]);
  });

  it('decide one order at a time when built with a concurrency of 1', async () => {
    const { order, other } = await oneHeldOneFree(1);
    expect(outcomes()).toEqual([`${order.orderId} record failed`, `${other.orderId} order confirmed`]);
  });

  it('count and log each transaction conflict it retries, keyed by order', async () => {
    await product('LOG-G', 5);
    const order = await storedOrder('LOG-G', 1);
    const held = await holdingProduct('LOG-G');
    const decided = decide([inserted(order)]);
    await eventually(async () => logged('transaction conflict; retrying').length > 0, 10_000, 'a retried conflict');
    await held.release();
    expect(await decided).toEqual({ batchItemFailures: [] });

    const [first] = logged('transaction conflict; retrying');
    expect(first).toMatchObject({ level: 'DEBUG', orderId: order.orderId, attempt: 1, error: expect.stringContaining('TransactionConflict') });
    const retries = logged('transaction conflict; retrying').length;
    // One count per retry: EMF lists a metric added several times as its values.
    expect(emf()).toEqual([expect.objectContaining({ ReservationConflictsRetried: retries > 1 ? Array(retries).fill(1) : 1, OrdersConfirmed: 1 })]);
  });

  it('continue the trace the API stored with the change', async () => {
    await product('LOG-T', 5);
    const order = await storedOrder('LOG-T', 1);
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const parentId = 'b7ad6b7169203331';
    await decide([record('INSERT', { ...orderToItem(order), trace: { traceparent: `00-${traceId}-${parentId}-01` } })], 'INFO');
    const span = spanNamed(`reserve ${order.orderId}`)!;
    expect([span.spanContext().traceId, span.parentSpanContext?.spanId]).toEqual([traceId, parentId]);
    expect(logged('order confirmed')).toEqual([expect.objectContaining({ orderId: order.orderId, traceId })]);
  });

  it('mark a redriven record: a log line naming the dead letter, and the span', async () => {
    await product('LOG-H', 5);
    const order = await storedOrder('LOG-H', 1);
    await decide([inserted(order)], 'INFO', { redrive: { deadLetterId: 'dl-42' } });
    const span = spanNamed(`reserve ${order.orderId}`)!;
    expect(logged('redriven from the dead-letter store')).toEqual([
      expect.objectContaining({ orderId: order.orderId, deadLetterId: 'dl-42', traceId: span.spanContext().traceId }),
    ]);
    expect(span.attributes['orders.redrive']).toBe(true);

    spans.reset();
    const fresh = await storedOrder('LOG-H', 1);
    await decide([inserted(fresh)], 'INFO');
    expect(spanNamed(`reserve ${fresh.orderId}`)!.attributes['orders.redrive']).toBe(false);
    expect(logged('redriven from the dead-letter store')).toHaveLength(1);
  });
});
