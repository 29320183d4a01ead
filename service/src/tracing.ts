import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { z } from 'zod';
import { parseEnvironment } from '../../core/config';
import { startApiTracing } from './apiTracing';
import { readTraceSampleRatio } from './config';

/**
 * The container's tracing, from the environment: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (the task
 * points it at its ADOT collector sidecar), sampling TRACE_SAMPLE_RATIO of the requests. This module must load
 * before `http` is first required, so main.ts imports it first.
 */
const { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } = parseEnvironment(z.object({ OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional() }), process.env);
export const apiTracing = endpoint
  ? startApiTracing(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }), { sampleRatio: readTraceSampleRatio(process.env) })
  : undefined;
