import { SERVICE_NAME } from '../../core/serviceNames';
import { documentClient } from '../../core/store/client';
import { startTracing } from '../../core/tracing/provider';
import { readProcessorConfig } from './config';
import type { ProcessorHandler } from './handler';
import { buildProcessor } from './processor';
import { exportingSpans } from './tracing';
import { SPAN_EXPORT_TIMEOUT_MS, XRayOtlpExporter } from './xrayExporter';

/** Lambda entry point (bundled by esbuild to dist/processor/index.js): wiring only, built once per container. */
const config = readProcessorConfig();

// Tracing on unless TRACES=off: spans continue each order's trace from the API and go to X-Ray over OTLP.
const tracing =
  config.TRACES === 'off'
    ? undefined
    : startTracing(SERVICE_NAME.processor, new XRayOtlpExporter({ region: config.AWS_REGION, timeoutMs: SPAN_EXPORT_TIMEOUT_MS }));

const decide = buildProcessor({ db: documentClient(), tableName: config.TABLE_NAME });

/**
 * Spans are exported before the invocation returns (Lambda freezes the sandbox as soon as it does), waiting at most
 * SPAN_EXPORT_TIMEOUT_MS: a slow tracing endpoint costs spans, never the invocation's time.
 */
export const handler: ProcessorHandler = exportingSpans(decide, tracing, {
  flushTimeoutMs: SPAN_EXPORT_TIMEOUT_MS,
  onUnexported: (why) => console.warn(JSON.stringify({ level: 'WARN', service: SERVICE_NAME.processor, message: 'spans not exported', why })),
});
