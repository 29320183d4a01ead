import { trace } from '@opentelemetry/api';
import { SCOPE, SpanKind, contextFromCarrier, inSpan, recordInterval, type TraceCarrier } from '../../core/tracing/context';

/** Where a record's change came from: the trace context the API stored with it, and when it was written. */
export interface ChangeOrigin {
  carrier?: TraceCarrier;
  /** The order's updatedAt: when the API wrote the change the record carries. */
  writtenAt: string;
  /** Handed over again from the dead-letter store, not by the event source mapping. */
  redrive: boolean;
}

/**
 * The decision on one record, as a span continuing the trace of the API request that wrote the change (its
 * parent is that request's `orders.place` or `orders.cancel` span), preceded by a `stream wait` span from the
 * write to the moment the processor picked the record up. DynamoDB calls made in `work` are its children.
 * Without a registered OpenTelemetry SDK these are no-ops.
 */
export function decideInSpan<T>(name: string, orderId: string, origin: ChangeOrigin, work: () => Promise<T>): Promise<T> {
  const parent = contextFromCarrier(origin.carrier);
  const pickedUp = Date.now();
  const written = Date.parse(origin.writtenAt);
  const attributes = { 'order.id': orderId, 'orders.redrive': origin.redrive };
  if (Number.isFinite(written) && written <= pickedUp) recordInterval(SCOPE.processor, 'stream wait', parent, written, pickedUp, attributes);
  return inSpan(SCOPE.processor, name, { kind: SpanKind.CONSUMER, parent, startTime: pickedUp, attributes }, work);
}

/** A key/value on the current decision span (the outcome). */
export function annotate(key: string, value: string | number | boolean): void {
  trace.getActiveSpan()?.setAttribute(`order.${key}`, value);
}
