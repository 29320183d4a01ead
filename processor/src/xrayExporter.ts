import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

export interface XRayOtlpOptions {
  region: string;
  /** X-Ray's OTLP traces endpoint unless given (a test points it at a local receiver). */
  endpoint?: string;
  credentials?: AwsCredentialIdentityProvider;
  /** How long one export may take, signing included, before it is abandoned and reported failed. */
  timeoutMs?: number;
}

/** X-Ray's endpoint answers in-region in tens of milliseconds: past this an export is given up, not waited for. */
export const SPAN_EXPORT_TIMEOUT_MS = 2_000;

/**
 * Spans straight to X-Ray's OTLP endpoint (OTLP/HTTP protobuf, SigV4-signed for service `xray`, permission
 * `xray:PutSpans`): no X-Ray SDK (end of support 2027-02-25), no collector layer or extension to start at
 * each cold start. The serialiser is OpenTelemetry's, the signer the AWS SDK's; this class only joins them.
 */
export class XRayOtlpExporter implements SpanExporter {
  private readonly url: URL;
  private readonly signer: SignatureV4;
  private readonly timeoutMs: number;
  private pending = new Set<Promise<void>>();

  constructor(options: XRayOtlpOptions) {
    this.url = new URL(options.endpoint ?? `https://xray.${options.region}.amazonaws.com/v1/traces`);
    this.timeoutMs = options.timeoutMs ?? SPAN_EXPORT_TIMEOUT_MS;
    this.signer = new SignatureV4({
      service: 'xray',
      region: options.region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: Hash.bind(null, 'sha256'),
    });
  }

  /**
   * Sends one batch. An endpoint that does not answer within `timeoutMs` has the request aborted and the batch
   * reported failed: a pending export never outlives its timeout, so neither does a flush that waits for it.
   */
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const sent = this.sendWithin(spans).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: Error) => done({ code: ExportResultCode.FAILED, error }),
    );
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }

  private async sendWithin(spans: ReadableSpan[]): Promise<void> {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`X-Ray OTLP export gave up after ${this.timeoutMs} ms`);
        abort.abort(error);
        reject(error);
      }, this.timeoutMs);
    });
    try {
      await Promise.race([this.send(spans, abort.signal), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async send(spans: ReadableSpan[], signal: AbortSignal): Promise<void> {
    const body = ProtobufTraceSerializer.serializeRequest(spans);
    if (!body) throw new Error('spans could not be serialised');
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      ...(this.url.port ? { port: Number(this.url.port) } : {}),
      path: this.url.pathname,
      query: {},
      headers: { host: this.url.host, 'content-type': 'application/x-protobuf' },
      body,
    });
    const response = await fetch(this.url, { method: 'POST', headers: signed.headers, body, signal });
    if (!response.ok) throw new Error(`X-Ray OTLP endpoint answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.pending);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}
