import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TimeInput,
} from '@opentelemetry/api';
import { SERVICE_NAME } from '../serviceNames';

/**
 * Trace context across the DynamoDB stream. Streams carry no trace headers, so the API stores the context of
 * the request that wrote an order change on the order item, and the processor continues that trace. Only the
 * OpenTelemetry API is used here: without a registered SDK every span is a no-op.
 */

/** The propagated forms of a trace context: W3C `traceparent`, and `x-amzn-trace-id` (X-Ray's header form). */
export type TraceCarrier = Record<string, string>;

/** Instrumentation scopes: which runtime made a span (the API and the processor share one process locally). */
export const SCOPE = { api: SERVICE_NAME.api, processor: SERVICE_NAME.processor, awsSdk: 'aws-sdk' } as const;

/** The active context in its propagated forms; undefined when there is no sampled span to continue. */
export function currentTraceCarrier(): TraceCarrier | undefined {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

export const contextFromCarrier = (carrier: TraceCarrier | undefined): Context => (carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT);

/** The trace id of the active span, for log lines. */
export function activeTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  return span?.spanContext().traceFlags ? span.spanContext().traceId : undefined;
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** Where the span hangs: the active context unless given (a stored carrier's context in the processor). */
  parent?: Context;
  startTime?: TimeInput;
}

/** Runs `work` in an active span, recording an error and its message if it throws. */
export function inSpan<T>(scope: string, name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const { parent = context.active(), ...spanOptions } = options;
  return trace.getTracer(scope).startActiveSpan(name, spanOptions, parent, async (span) => {
    try {
      return await work(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A span for an interval that has already happened (the wait in the stream). */
export function recordInterval(scope: string, name: string, parent: Context, start: TimeInput, end: TimeInput, attributes: Attributes = {}): void {
  trace.getTracer(scope).startSpan(name, { kind: SpanKind.INTERNAL, startTime: start, attributes }, parent).end(end);
}

export { SpanKind };
