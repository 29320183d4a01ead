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
}

/**
 * Spans straight to X-Ray's OTLP endpoint (OTLP/HTTP protobuf, SigV4-signed for service `xray`, permission
 * `xray:PutSpans`): no X-Ray SDK (end of support 2027-02-25), no collector layer or extension to start at
 * each cold start. The serialiser is OpenTelemetry's, the signer the AWS SDK's; this class only joins them.
 */
export class XRayOtlpExporter implements SpanExporter {
  private readonly url: URL;
  private readonly signer: SignatureV4;
  private pending = new Set<Promise<void>>();

  constructor(options: XRayOtlpOptions) {
    this.url = new URL(options.endpoint ?? `https://xray.${options.region}.amazonaws.com/v1/traces`);
    this.signer = new SignatureV4({
      service: 'xray',
      region: options.region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: Hash.bind(null, 'sha256'),
    });
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const sent = this.send(spans).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: Error) => done({ code: ExportResultCode.FAILED, error }),
    );
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }

  private async send(spans: ReadableSpan[]): Promise<void> {
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
    const response = await fetch(this.url, { method: 'POST', headers: signed.headers, body });
    if (!response.ok) throw new Error(`X-Ray OTLP endpoint answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.pending);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}
