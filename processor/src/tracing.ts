import { trace } from '@opentelemetry/api';
import { SCOPE, SpanKind, contextFromCarrier, inSpan, recordInterval, type TraceCarrier } from '../../core/tracing/context';
import type { Tracing } from '../../core/tracing/provider';

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
  // An unreadable time (NaN) or a clock ahead of this one records no wait: both compare false.
  if (written <= pickedUp) recordInterval(SCOPE.processor, 'stream wait', parent, written, pickedUp, attributes);
  return inSpan(SCOPE.processor, name, { kind: SpanKind.CONSUMER, parent, startTime: pickedUp, attributes }, work);
}

/** A key/value on the current decision span (the outcome). */
export function annotate(key: string, value: string | number | boolean): void {
  trace.getActiveSpan()?.setAttribute(`order.${key}`, value);
}

/** The provider's forceFlush rejects with the list of its processors' errors. */
function messageOf(error: unknown): string {
  const first: unknown = Array.isArray(error) ? error[0] : error;
  return first instanceof Error ? first.message : String(first);
}

/**
 * Waits for `tracing` to export what it holds, at most `timeoutMs`. Resolves either way: undefined when the spans
 * left, else why not (the export failed, or it was still running when the time was up and its spans are given up).
 */
export async function flushWithin(tracing: Tracing, timeoutMs: number): Promise<string | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`span export still running after ${timeoutMs} ms`), timeoutMs)));
  try {
    return await Promise.race([
      tracing.flush().then(
        () => undefined,
        (error: unknown) => `span export failed: ${messageOf(error)}`,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The handler with each invocation's spans exported before it returns (Lambda freezes the sandbox as soon as it
 * does), the wait bounded: a slow or unreachable tracing endpoint adds at most `flushTimeoutMs` to an invocation
 * and costs that invocation's spans, never its decisions. `onUnexported` hears why spans were given up.
 */
export function exportingSpans<Args extends unknown[], Result>(
  handler: (...args: Args) => Promise<Result>,
  tracing: Tracing | undefined,
  options: { flushTimeoutMs: number; onUnexported?: (why: string) => void },
): (...args: Args) => Promise<Result> {
  if (!tracing) return handler;
  return async (...args) => {
    try {
      return await handler(...args);
    } finally {
      const why = await flushWithin(tracing, options.flushTimeoutMs);
      if (why) options.onUnexported?.(why);
    }
  };
}
