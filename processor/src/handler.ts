import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { Order } from '../../core/domain/order';
import { DECISION_CONCURRENCY, ORDER_WORK, type OrderWorkKind } from '../../core/eventSourceMapping';
import { orderedByKey } from './orderedByKey';
import { matchesPattern } from '../../core/filterPattern';
import { orderIdOfKey } from '../../core/table';
import { itemToOrder } from '../../core/tableItems';
import type { StockContentionError } from '../../core/orders/errors';
import type { StockReservations } from '../../core/orders/stockReservations';
import type { ProcessorEvent } from '../../core/streamHandler';
import { activeTraceId, type TraceCarrier } from '../../core/tracing/context';
import { annotate, decideInSpan } from './tracing';

export interface ProcessorDeps {
  reservations: StockReservations;
  logger: Logger;
  metrics: Metrics;
  clock?: () => Date;
  /** Records of different orders decided at once (core/eventSourceMapping.ts). */
  concurrency?: number;
}

/** The processor's own handler always answers with its failures (the wider StreamHandler allows none). */
export type ProcessorHandler = (event: ProcessorEvent, context: Context) => Promise<DynamoDBBatchResponse>;

/** What a stream record asks of the processor, if anything. */
export type OrderWork = { kind: OrderWorkKind; order: Order; trace?: TraceCarrier } | { kind: 'ignore'; why: string };

/**
 * Decides from the record alone. The mapping's filter already drops everything else in AWS; checking the same
 * patterns here keeps the handler correct when invoked without the filter (a redrive, a test, a misconfiguration).
 */
export function workFor(record: DynamoDBRecord): OrderWork {
  const work = ORDER_WORK.find(({ pattern }) => matchesPattern(record, pattern));
  if (!work) return { kind: 'ignore', why: 'not an order change the processor owns' };
  const image = record.dynamodb?.NewImage;
  if (!image) return { kind: 'ignore', why: 'no new image' };
  const item = unmarshall(image as Record<string, AttributeValue>);
  const order = itemToOrder(item);
  // The trace context of the API request that wrote this change (internal to the item; never in responses).
  const trace = item.trace as TraceCarrier | undefined;
  return { kind: work.kind, order, ...(trace ? { trace } : {}) };
}

/**
 * The Lambda handler: Powertools' batch processor with partial failures reported. It parses each record, calls
 * the use case its work names (core/orders/stockReservations.ts) and reports the outcome in logs and metrics.
 * Records of different orders are decided concurrently (DECISION_CONCURRENCY at a time); an order's own records
 * run in sequence order.
 */
export function createHandler({
  reservations,
  logger,
  metrics,
  clock = () => new Date(),
  concurrency = DECISION_CONCURRENCY,
}: ProcessorDeps): ProcessorHandler {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);

  return async (event, context) => {
    logger.addContext(context);
    // Once a record of an order fails, later records of the same order in this batch fail too, so they are
    // redelivered after it and an order's changes are never applied out of order.
    const failedOrders = new Set<string>();
    const inOrderOf = orderedByKey(concurrency);

    const processRecord = async (record: DynamoDBRecord) => {
      let work: OrderWork;
      try {
        work = workFor(record);
      } catch (err) {
        // An image that does not parse as an order: say which record, and hold back its order's later records.
        const orderId = orderIdOfKey(record.dynamodb?.Keys?.PK?.S);
        if (orderId) failedOrders.add(orderId);
        logger.error('record unreadable', {
          eventID: record.eventID,
          sequenceNumber: record.dynamodb?.SequenceNumber,
          ...(orderId ? { orderId } : {}),
          error: err as Error,
        });
        throw err;
      }
      if (work.kind === 'ignore') {
        logger.debug('record ignored', { eventID: record.eventID, why: work.why });
        return;
      }
      await inOrderOf(work.order.orderId, () => decide(record, work));
    };

    const decide = async (record: DynamoDBRecord, work: Exclude<OrderWork, { kind: 'ignore' }>) => {
      const { order } = work;
      // Decisions run concurrently, so keys go on each line rather than on the shared logger.
      const keys: Record<string, string> = { orderId: order.orderId };
      if (failedOrders.has(order.orderId)) throw new Error(`an earlier record of order ${order.orderId} failed in this batch`);
      const origin = { ...(work.trace ? { carrier: work.trace } : {}), writtenAt: order.updatedAt, redrive: event.redrive !== undefined };
      try {
        await decideInSpan(`${work.kind} ${order.orderId}`, order.orderId, origin, async () => {
          const traceId = activeTraceId();
          if (traceId) keys.traceId = traceId;
          if (origin.redrive) logger.info('redriven from the dead-letter store', { ...keys, deadLetterId: event.redrive?.deadLetterId });
          if (work.kind === 'reserve') await reserve(order, keys);
          else await release(order, keys);
        });
      } catch (err) {
        failedOrders.add(order.orderId);
        logger.error('record failed', { ...keys, error: err as Error, sequenceNumber: record.dynamodb?.SequenceNumber });
        throw err;
      }
    };

    const retried = (keys: Record<string, string>) => (attempt: number, err: StockContentionError) => {
      metrics.addMetric('ReservationConflictsRetried', MetricUnit.Count, 1);
      logger.debug('transaction conflict; retrying', { ...keys, attempt, error: err.message });
    };

    const reserve = async (order: Order, keys: Record<string, string>) => {
      const now = clock();
      const result = await reservations.reserveStock(order, now, retried(keys));
      annotate('outcome', result.outcome);
      if (result.outcome === 'UNCHANGED') {
        logger.info('order already decided; nothing to do', keys);
        return;
      }
      metrics.addMetric(result.outcome === 'CONFIRMED' ? 'OrdersConfirmed' : 'OrdersRejected', MetricUnit.Count, 1);
      metrics.addMetric('ProcessingLatency', MetricUnit.Milliseconds, Math.max(0, now.getTime() - Date.parse(order.createdAt)));
      logger.info(`order ${result.outcome.toLowerCase()}`, result.outcome === 'REJECTED' ? { ...keys, reason: result.reason, detail: result.detail } : keys);
    };

    const release = async (order: Order, keys: Record<string, string>) => {
      const result = await reservations.releaseStock(order, retried(keys));
      annotate('outcome', result.outcome);
      if (result.outcome === 'RELEASED') metrics.addMetric('StockReleased', MetricUnit.Count, 1);
      logger.info(result.outcome === 'RELEASED' ? 'stock released' : 'stock already released; nothing to do', keys);
    };

    try {
      // processInParallel hands every record to processRecord at once; orderedByKey bounds and orders them.
      return await processPartialResponse(event, processRecord, processor, { context, processInParallel: true });
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
