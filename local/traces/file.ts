import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** Where `npm start` records spans and `npm run trace` reads them: beside the data, or per port in the temp dir. */
export const tracesFile = (settings: { dataDir?: string; apiPort: number }): string =>
  settings.dataDir ? path.join(settings.dataDir, 'traces.jsonl') : path.join(os.tmpdir(), `orders-local-${settings.apiPort}.traces.jsonl`);

/**
 * Spans as OTLP/JSON lines (one ExportTraceServiceRequest per line, the format of the OpenTelemetry
 * Collector's file exporter), so the local stack needs no tracing backend and any OTLP tool can read the file.
 */
export class OtlpFileExporter implements SpanExporter {
  constructor(
    readonly file: string,
    options: { fresh?: boolean } = {},
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
    if (options.fresh) writeFileSync(file, '');
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      const line = JsonTraceSerializer.serializeRequest(spans);
      if (line) appendFileSync(this.file, `${Buffer.from(line).toString('utf8')}\n`);
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async shutdown(): Promise<void> {}
}
