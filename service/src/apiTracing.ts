import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { startTracing as startSdk, type Tracing, type TracingOptions } from '../../core/tracing/provider';

/**
 * The API's traces: a server span per HTTP request continuing the ALB's X-Amzn-Trace-Id (HttpInstrumentation;
 * `http` is a Node built-in, so it is patched even in the esbuild bundle), a span per order write whose context
 * is stored on the order for the processor, and a client span per DynamoDB call (core/tracing/awsCalls.ts).
 * Exported over OTLP to the ADOT collector beside the task (infra/components/api.ts), which forwards to X-Ray.
 *
 * No side effect: the container's entry starts it from the environment (tracing.ts), `npm start` with a file.
 */
export function startApiTracing(exporter: SpanExporter, options: TracingOptions & { serviceName?: string } = {}): Tracing {
  const tracing = startSdk(options.serviceName ?? 'orders-api', exporter, options);
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({
        // Health checks are not traced: the ALB probes every 15 s per task.
        ignoreIncomingRequestHook: (req) => req.url?.startsWith('/v1/health') ?? false,
        // Outgoing requests are the SDK's: traceAwsCalls names them as AWS calls instead.
        disableOutgoingRequestInstrumentation: true,
      }),
    ],
  });
  return tracing;
}
