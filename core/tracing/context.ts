import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TimeInput,
} from '@opentelemetry/api';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { SERVICE_NAME } from '../serviceNames';

/**
 * Trace context across the DynamoDB stream. Streams carry no trace headers, so the API stores the context of
 * the request that wrote an order change on the order item, and the processor continues that trace. Spans go
 * through the OpenTelemetry API only: without a registered SDK every span is a no-op.
 */

/** The propagated forms of a trace context: W3C `traceparent`, and `x-amzn-trace-id` (X-Ray's header form). */
export type TraceCarrier = Record<string, string>;

/**
 * How carriers are written and read: both forms, whatever the process's own propagator (the API's reads only
 * the load balancer's header of a request, which would lose a stored carrier's parent and sampling decision).
 * A stored carrier is ours, so its decision holds: an unsampled request's carrier (flags 00, `Sampled=0`)
 * leaves the processor's spans unsampled too.
 */
const CARRIER = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new AWSXRayPropagator()] });

/** Instrumentation scopes: which runtime made a span (the API and the processor share one process locally). */
export const SCOPE = { api: SERVICE_NAME.api, processor: SERVICE_NAME.processor, awsSdk: 'aws-sdk' } as const;

/** The active context in its propagated forms, its sampling decision included; undefined when there is no span (tracing is off). */
export function currentTraceCarrier(): TraceCarrier | undefined {
  const carrier: TraceCarrier = {};
  CARRIER.inject(context.active(), carrier, defaultTextMapSetter);
  return carrier.traceparent ? carrier : undefined;
}

export const contextFromCarrier = (carrier: TraceCarrier | undefined): Context =>
  carrier ? CARRIER.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter) : ROOT_CONTEXT;

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
