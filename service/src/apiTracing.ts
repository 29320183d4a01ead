import { randomBytes } from 'node:crypto';
import { SpanKind, TraceFlags, isSpanContextValid, trace, type Context, type TextMapGetter, type TextMapPropagator } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { SamplingDecision, type Sampler, type SamplingResult, type SpanExporter } from '@opentelemetry/sdk-trace';
import { startTracing as startSdk, type Tracing, type TracingOptions } from '../../core/tracing/provider';

const X_RAY_ID = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/i;

/**
 * The trace id the load balancer vouches for in an X-Amzn-Trace-Id header, as OpenTelemetry writes it. The ALB
 * adds `Root` when a request has no such header, and when it has one with a `Root`, keeps it (the client's)
 * and adds `Self`, its own; any other field (`Parent`, `Sampled`) is the client's, kept but not used by the
 * ALB. So: `Self` when there is one, else `Root`; never `Parent` or `Sampled`.
 */
export function loadBalancerTraceId(header: string | undefined): string | undefined {
  const fields = new Map(
    (header ?? '').split(';').map((field) => {
      const at = field.indexOf('=');
      return [field.slice(0, at).trim(), field.slice(at + 1).trim()] as const;
    }),
  );
  const match = X_RAY_ID.exec((fields.has('Self') ? fields.get('Self') : fields.get('Root')) ?? '');
  const traceId = match ? `${match[1]}${match[2]}`.toLowerCase() : undefined;
  return traceId && !/^0+$/.test(traceId) ? traceId : undefined;
}

/**
 * What a request's trace continues: the load balancer's trace id (loadBalancerTraceId), so a trace is found
 * from the ALB's access log line; a client's W3C `traceparent`/`tracestate` and its X-Ray `Parent` and
 * `Sampled` are ignored. OpenTelemetry continues a trace only under a parent span, and the ALB reports none: the
 * parent is a made-up id standing for the ALB's hop, marked unsampled (RequestSampler decides). The API sends
 * no traced requests itself (AWS calls are client spans, not propagated), so it injects nothing.
 */
export class LoadBalancerTraceHeader implements TextMapPropagator {
  inject(): void {}

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const value = getter.get(carrier, 'x-amzn-trace-id');
    const traceId = loadBalancerTraceId(Array.isArray(value) ? value[0] : value);
    if (!traceId) return context;
    return trace.setSpanContext(context, { traceId, spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.NONE, isRemote: true });
  }

  fields(): string[] {
    return ['x-amzn-trace-id'];
  }
}

/**
 * Which spans are recorded: a request (a server span under a remote parent, or a new trace) is sampled with
 * probability `ratio`, drawn here, so no header can force a trace (a client's `Sampled=1` costs nothing) or
 * choose a trace id that a trace-id ratio would always keep. Every other span follows its parent: the spans of a
 * request, and in `npm start`'s one process the processor's decision under an order's stored carrier.
 */
export class RequestSampler implements Sampler {
  constructor(
    private readonly ratio: number,
    private readonly draw: () => number = Math.random,
  ) {}

  shouldSample(context: Context, _traceId: string, _name: string, kind: SpanKind): SamplingResult {
    const parent = trace.getSpanContext(context);
    const request = !parent || !isSpanContextValid(parent) || (parent.isRemote === true && kind === SpanKind.SERVER);
    const sampled = request ? this.draw() < this.ratio : (parent.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
    return { decision: sampled ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
  }

  toString(): string {
    return `RequestSampler{ratio=${this.ratio}}`;
  }
}

/**
 * The API's traces: a server span per HTTP request in the load balancer's trace (HttpInstrumentation; `http`
 * is a Node built-in, so it is patched even in the esbuild bundle), sampled at `sampleRatio` (default 1: every
 * request, as `npm start` wants), a span per order write whose context is stored on the order for the
 * processor, and a client span per DynamoDB call (core/tracing/awsCalls.ts). Exported over OTLP to the ADOT
 * collector beside the task (infra/components/api.ts), which forwards to X-Ray.
 *
 * No side effect: the container's entry starts it from the environment (tracing.ts), `npm start` with a file.
 */
export function startApiTracing(exporter: SpanExporter, options: TracingOptions & { serviceName?: string; sampleRatio?: number } = {}): Tracing {
  const { serviceName = 'orders-api', sampleRatio = 1, ...sdkOptions } = options;
  const tracing = startSdk(serviceName, exporter, {
    propagator: new LoadBalancerTraceHeader(),
    sampler: new RequestSampler(sampleRatio),
    ...sdkOptions,
  });
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
