import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { startApiTracing } from './apiTracing';

/**
 * The container's tracing, from the environment: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (the task
 * points it at its ADOT collector sidecar). This module must load before `http` is first required, so main.ts
 * imports it first.
 */
const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
export const apiTracing = endpoint ? startApiTracing(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` })) : undefined;
