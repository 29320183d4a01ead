import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KeySchemas, type TableDescription } from './keys';
import { ContentionRules, type ContentionStats, type RuleOptions, type Upstream } from './rules';
import type { WireResponse } from './wire';

/**
 * An HTTP proxy in front of DynamoDB Local that speaks DynamoDB's JSON 1.0 protocol and answers what DynamoDB Local
 * never does (local/contention/README.md): TransactionCanceledException with TransactionConflict reasons and
 * TransactionConflictException while a transaction holds an item, throttling past a partition's ceiling, and
 * ClientRequestToken idempotency. Everything else, DynamoDB Streams included, passes through untouched.
 */
export interface ContentionProxyOptions extends Partial<RuleOptions> {
  /** DynamoDB Local's own endpoint. */
  upstream: string;
  /** 0 (default): any free port. */
  port?: number;
  host?: string;
}

export interface ContentionProxy {
  endpoint: string;
  port: number;
  stats: ContentionStats;
  close(): Promise<void>;
}

const SERVICE = 'DynamoDB_20120810';
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'expect']);

export async function startContentionProxy(options: ContentionProxyOptions): Promise<ContentionProxy> {
  const upstream = new URL(options.upstream);
  // As many sockets as callers: a request queued here would count as in flight and widen the conflict window.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const target = { hostname: upstream.hostname, port: upstream.port, agent };

  const forward: Upstream = (headers, body) =>
    new Promise<WireResponse>((resolve, reject) => {
      const outgoing = { ...withoutHopByHop(headers), host: upstream.host, 'content-length': String(body.length) };
      const request = http.request({ ...target, method: 'POST', path: '/', headers: outgoing }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: flatHeaders(response.headers), body: Buffer.concat(chunks) }));
      });
      request.on('error', reject);
      request.end(body);
    });

  const describe = async (table: string, headers: IncomingHttpHeaders): Promise<TableDescription | undefined> => {
    const response = await forward({ ...headers, 'x-amz-target': `${SERVICE}.DescribeTable` }, Buffer.from(JSON.stringify({ TableName: table })));
    return response.status === 200 ? (JSON.parse(response.body.toString('utf8')) as { Table?: TableDescription }).Table : undefined;
  };
  const rules = new ContentionRules(new KeySchemas(describe), forward, options);

  /** Streams the request to DynamoDB Local and its answer back, unread. */
  const passThrough = (req: IncomingMessage, res: ServerResponse) => {
    const request = http.request({ ...target, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (response) => {
      res.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(res);
    });
    request.on('error', () => res.destroy());
    req.pipe(request);
  };

  const send = (res: ServerResponse, response: WireResponse) => {
    res.writeHead(response.status, { ...response.headers, 'content-length': String(response.body.length) });
    res.end(response.body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, operation: string) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    let input: Record<string, unknown> | undefined;
    try {
      input = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      input = undefined; // DynamoDB Local answers a body it cannot read as it always has
    }
    const answer = (input && (await rules.handle(operation, req.headers, raw, input))) || (await forward(req.headers, raw));
    send(res, answer);
  };

  const server = http.createServer((req, res) => {
    const [service, operation = ''] = String(req.headers['x-amz-target'] ?? '').split('.');
    if (req.method !== 'POST' || service !== SERVICE) return passThrough(req, res);
    // DynamoDB Local unreachable (stopped, restarting): the caller sees the connection drop, as it would without us.
    handle(req, res, operation).catch(() => res.destroy());
  });
  // Longer than the SDK keeps an idle socket, so a request never races the server closing it.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stats: rules.stats,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      agent.destroy();
    },
  };
}

function withoutHopByHop(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  return kept;
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !HOP_BY_HOP.has(name)) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
