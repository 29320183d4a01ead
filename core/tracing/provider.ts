import { context, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider, type Sampler, type SpanExporter } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface Tracing {
  /** Exports every finished span now (a Lambda invocation must do this before it returns). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Registers the process's OpenTelemetry SDK: async-context propagation, W3C trace context plus X-Ray's
 * header unless `propagator` says otherwise (stored carriers are read and written apart from it:
 * context.ts), and `exporter`. Every span follows its parent's sampling decision and a new trace is sampled,
 * unless `sampler` says otherwise. Batching by default; `immediate` exports each span as it ends (tests, and
 * short-lived tools).
 */
export interface TracingOptions {
  immediate?: boolean;
  /** How long the batch processor waits before exporting (OpenTelemetry's default: 5 s). */
  batchDelayMs?: number;
  /** Which incoming headers a trace continues (the API's: the load balancer's trace id only). */
  propagator?: TextMapPropagator;
  /** Which spans are recorded (the API's: a share of requests, whatever the caller asks). */
  sampler?: Sampler;
}

export function startTracing(serviceName: string, exporter: SpanExporter, options: TracingOptions = {}): Tracing {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(options.propagator ?? new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new AWSXRayPropagator()] }));
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    ...(options.sampler ? { sampler: options.sampler } : {}),
    spanProcessors: [
      options.immediate
        ? new SimpleSpanProcessor({ exporter })
        : new BatchSpanProcessor({ exporter, ...(options.batchDelayMs ? { scheduledDelayMillis: options.batchDelayMs } : {}) }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  return {
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
