import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/**
 * The API's traces: OpenTelemetry with X-Ray-compatible ids, continuing the ALB's X-Amzn-Trace-Id, exported
 * over OTLP to the ADOT collector beside the task (infra/components/api.ts), which forwards to X-Ray. Spans
 * cover each HTTP request and each DynamoDB call (as its HTTP request: the OpenTelemetry AWS SDK instrumentation
 * that matches @opentelemetry/api 1.9 predates the SDK version here). Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
 *
 * This module must load before `http` and the AWS SDK are first required, so main.ts imports it first.
 */
export function startTracing(serviceName: string, endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT): (() => Promise<void>) | undefined {
  if (!endpoint) return undefined;
  const provider = new NodeTracerProvider({
    idGenerator: new AWSXRayIdGenerator(),
    resource: new Resource({ [ATTR_SERVICE_NAME]: serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }))],
  });
  provider.register({ propagator: new AWSXRayPropagator() });
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Incoming requests, and outgoing ones — which are the DynamoDB calls (the SDK speaks HTTP).
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url === '/v1/health' }),
    ],
  });
  return () => provider.shutdown();
}

export const stopTracing = startTracing('orders-api');
