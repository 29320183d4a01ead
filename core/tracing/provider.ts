import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface Tracing {
  /** Exports every finished span now (a Lambda invocation must do this before it returns). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Registers the process's OpenTelemetry SDK: async-context propagation, W3C trace context plus X-Ray's
 * header (the ALB sends X-Amzn-Trace-Id; stored carriers hold both forms), and `exporter`. Batching by default;
 * `immediate` exports each span as it ends (tests, and short-lived tools).
 */
export interface TracingOptions {
  immediate?: boolean;
  /** How long the batch processor waits before exporting (OpenTelemetry's default: 5 s). */
  batchDelayMs?: number;
}

export function startTracing(serviceName: string, exporter: SpanExporter, options: TracingOptions = {}): Tracing {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new AWSXRayPropagator()] }));
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
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
