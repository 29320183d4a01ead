import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Order } from '../../core/domain/order';
import { orderProcessorMapping } from '../../core/eventSourceMapping';
import { matchesAnyPattern } from '../../core/filterPattern';
import { itemToOrder } from '../../core/store/items';
import type { Fulfilment } from '../../core/store/fulfilment';
import { activeTraceId, type TraceCarrier } from '../../core/tracing/context';
import { annotate, decideInSpan } from './tracing';

export interface ProcessorDeps {
  fulfilment: Fulfilment;
  logger: Logger;
  metrics: Metrics;
  clock?: () => Date;
}

/** A stream event, or the same records handed over again from the dead-letter store (which says so). */
export type ProcessorEvent = DynamoDBStreamEvent & { redrive?: { deadLetterId: string } };

export type StreamHandler = (event: ProcessorEvent, context: Context) => Promise<DynamoDBBatchResponse>;

/** What a stream record asks of the processor, if anything. */
export type OrderWork =
  | { kind: 'reserve' | 'release'; order: Order; trace?: TraceCarrier }
  | { kind: 'ignore'; why: string };

/**
 * Decides from the record alone. The mapping's filter already drops everything else in AWS; checking the same
 * patterns here keeps the handler correct when invoked without the filter (a redrive, a test, a misconfiguration).
 */
export function workFor(record: DynamoDBRecord): OrderWork {
  if (!matchesAnyPattern(record, orderProcessorMapping.filterPatterns)) return { kind: 'ignore', why: 'not an order change the processor owns' };
  const image = record.dynamodb?.NewImage;
  if (!image) return { kind: 'ignore', why: 'no new image' };
  const item = unmarshall(image as Record<string, AttributeValue>);
  const order = itemToOrder(item);
  // The trace context of the API request that wrote this change (internal to the item; never in responses).
  const trace = item.trace as TraceCarrier | undefined;
  return { kind: record.eventName === 'INSERT' ? 'reserve' : 'release', order, ...(trace ? { trace } : {}) };
}

/** The Lambda handler: Powertools' batch processor, one record at a time in stream order, partial failures reported. */
export function createHandler({ fulfilment, logger, metrics, clock = () => new Date() }: ProcessorDeps): StreamHandler {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);

  return async (event, context) => {
    logger.addContext(context);
    // Once a record of an order fails, later records of the same order in this batch fail too, so they are
    // redelivered after it and an order's changes are never applied out of order.
    const failedOrders = new Set<string>();

    const processRecord = async (record: DynamoDBRecord) => {
      const work = workFor(record);
      if (work.kind === 'ignore') {
        logger.debug('record ignored', { eventID: record.eventID, why: work.why });
        return;
      }
      const { order } = work;
      if (failedOrders.has(order.orderId)) throw new Error(`an earlier record of order ${order.orderId} failed in this batch`);
      logger.appendKeys({ orderId: order.orderId });
      const origin = { ...(work.trace ? { carrier: work.trace } : {}), writtenAt: order.updatedAt, redrive: event.redrive !== undefined };
      try {
        await decideInSpan(`${work.kind} ${order.orderId}`, order.orderId, origin, async () => {
          const traceId = activeTraceId();
          if (traceId) logger.appendKeys({ traceId });
          if (origin.redrive) logger.info('redriven from the dead-letter store', { deadLetterId: event.redrive?.deadLetterId });
          if (work.kind === 'reserve') await reserve(order);
          else await release(order);
        });
      } catch (err) {
        failedOrders.add(order.orderId);
        logger.error('record failed', { error: err as Error, sequenceNumber: record.dynamodb?.SequenceNumber });
        throw err;
      } finally {
        logger.removeKeys(['orderId', 'traceId']);
      }
    };

    const reserve = async (order: Order) => {
      const now = clock();
      const result = await fulfilment.reserveStock(order, now);
      annotate('outcome', result.outcome);
      if (result.outcome === 'UNCHANGED') {
        logger.info('order already decided; nothing to do');
        return;
      }
      metrics.addMetric(result.outcome === 'CONFIRMED' ? 'OrdersConfirmed' : 'OrdersRejected', MetricUnit.Count, 1);
      metrics.addMetric('ProcessingLatency', MetricUnit.Milliseconds, Math.max(0, now.getTime() - Date.parse(order.createdAt)));
      logger.info(`order ${result.outcome.toLowerCase()}`, result.outcome === 'REJECTED' ? { reason: result.reason } : {});
    };

    const release = async (order: Order) => {
      const result = await fulfilment.releaseStock(order);
      annotate('outcome', result.outcome);
      if (result.outcome === 'RELEASED') metrics.addMetric('StockReleased', MetricUnit.Count, 1);
      logger.info(result.outcome === 'RELEASED' ? 'stock released' : 'stock already released; nothing to do');
    };

    try {
      return await processPartialResponse(event, processRecord, processor, { context, processInParallel: false });
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
