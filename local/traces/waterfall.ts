import { readFileSync } from 'node:fs';
import { SCOPE } from '../../core/tracing/context';

/** One span as read back from OTLP/JSON, with the service and scope that produced it. */
export interface RecordedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  scope: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, unknown>;
  error?: string;
}

interface OtlpValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: Array<{ key: string; value: OtlpValue }>;
  status?: { code?: number; message?: string };
}
interface OtlpRequest {
  resourceSpans?: Array<{ scopeSpans?: Array<{ scope?: { name?: string }; spans?: OtlpSpan[] }> }>;
}

const valueOf = (v: OtlpValue): unknown =>
  v.stringValue ?? v.boolValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.arrayValue?.values?.map(valueOf);
const nanosToMs = (n: string | number) => Number(BigInt(n) / 1000n) / 1000;

/** Every span in an OTLP/JSON lines file. */
export function readSpans(file: string): RecordedSpan[] {
  const spans: RecordedSpan[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.pop(); // what follows the last newline is a line npm start may still be appending
  for (const line of lines) {
    if (!line.trim()) continue;
    const request = JSON.parse(line) as OtlpRequest;
    for (const resource of request.resourceSpans ?? []) {
      for (const scoped of resource.scopeSpans ?? []) {
        for (const span of scoped.spans ?? []) {
          spans.push({
            traceId: span.traceId,
            spanId: span.spanId,
            ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
            name: span.name,
            scope: scoped.scope?.name ?? '',
            startMs: nanosToMs(span.startTimeUnixNano),
            endMs: nanosToMs(span.endTimeUnixNano),
            attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
            ...(span.status?.code === 2 ? { error: span.status.message ?? 'error' } : {}),
          });
        }
      }
    }
  }
  return spans;
}

/** The traces an order took part in: every span of each trace holding a span about the order. */
export function spansOfOrder(spans: readonly RecordedSpan[], orderId: string): RecordedSpan[] {
  const traceIds = new Set(spans.filter((s) => s.attributes['order.id'] === orderId).map((s) => s.traceId));
  return spans.filter((s) => traceIds.has(s.traceId));
}

const SCOPE_LABELS: Record<string, string> = {
  '@opentelemetry/instrumentation-http': 'api (http)',
  [SCOPE.api]: 'api',
  [SCOPE.processor]: 'processor',
  [SCOPE.awsSdk]: 'aws-sdk',
};

/**
 * The spans as a waterfall: one line per span, children under their parent in start order, with its offset
 * from the start of the trace, its duration and a bar on a common time scale.
 */
export function renderWaterfall(spans: readonly RecordedSpan[], width = 40): string {
  if (spans.length === 0) return '';
  const lines: string[] = [];
  for (const traceId of [...new Set(spans.map((s) => s.traceId))]) {
    const inTrace = spans.filter((s) => s.traceId === traceId);
    const ids = new Set(inTrace.map((s) => s.spanId));
    const start = Math.min(...inTrace.map((s) => s.startMs));
    const end = Math.max(...inTrace.map((s) => s.endMs));
    const scale = width / Math.max(end - start, 1);
    lines.push(`trace ${traceId}  ${(end - start).toFixed(1)} ms, ${inTrace.length} spans`);
    const children = (parent?: string) =>
      inTrace.filter((s) => (parent ? s.parentSpanId === parent : !s.parentSpanId || !ids.has(s.parentSpanId))).sort((a, b) => a.startMs - b.startMs);
    const walk = (span: RecordedSpan, depth: number) => {
      const offset = span.startMs - start;
      const duration = span.endMs - span.startMs;
      const bar = `${' '.repeat(Math.round(offset * scale))}${'█'.repeat(Math.max(1, Math.round(duration * scale)))}`.padEnd(width + 1);
      const label = `${'  '.repeat(depth)}${span.name}`;
      const who = SCOPE_LABELS[span.scope] ?? span.scope;
      lines.push(
        `${offset.toFixed(1).padStart(9)} ms ${duration.toFixed(1).padStart(9)} ms  ${bar} ${who.padEnd(11)} ${label}${span.error ? `  ✗ ${span.error}` : ''}`,
      );
      for (const child of children(span.spanId)) walk(child, depth + 1);
    };
    for (const root of children()) walk(root, 0);
  }
  return lines.join('\n');
}
