import http from 'node:http';
import net from 'node:net';
import Koa from 'koa';
import pino from 'pino';
import { CONNECTION_LIMITS, listen, type RunningServer } from '../../service/src/server';

const get = (port: number, path: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });

/** Resolves `fired` once `fire` is called: lets a test wait until a request is in its handler, not for a time. */
function signal() {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fired, fire };
}

describe('graceful shutdown', () => {
  it('finishes in-flight requests, refuses new connections, and resolves', async () => {
    const handling = signal();
    const finish = signal();
    const app = new Koa();
    app.use(async (ctx) => {
      handling.fire();
      await finish.fired; // in flight until the test has seen the shutdown refuse a new connection
      ctx.body = 'done';
    });
    const state = { shuttingDown: false };
    const running = await listen(app, { port: 0, host: '127.0.0.1', shutdownTimeoutMs: 5000, logger: pino({ level: 'silent' }), state });
    const inFlight = get(running.port, '/slow');
    await handling.fired;
    const closed = running.shutdown();
    expect(running.isShuttingDown()).toBe(true);
    await expect(get(running.port, '/new')).rejects.toThrow(/ECONNREFUSED/);
    finish.fire();
    await expect(inFlight).resolves.toEqual({ status: 200, body: 'done' });
    await closed;
  });

  it('force-closes what is still open after the timeout', async () => {
    const handling = signal();
    const app = new Koa();
    app.use(() => {
      handling.fire();
      return new Promise(() => undefined); // never answers
    });
    const running = await listen(app, {
      port: 0,
      host: '127.0.0.1',
      shutdownTimeoutMs: 200,
      logger: pino({ level: 'silent' }),
      state: { shuttingDown: false },
    });
    const hung = get(running.port, '/hang').catch((err: Error) => err.message);
    await handling.fired;
    const started = Date.now();
    await running.shutdown();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await hung).toMatch(/socket hang up|ECONNRESET/);
  });
});

/** A raw connection: what it writes is up to the test, and `closed` resolves with all it read once the server hangs up. */
function rawConnection(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let read = '';
  socket.on('data', (chunk) => (read += chunk));
  const closed = new Promise<{ read: string; afterMs: number }>((resolve) => {
    const started = Date.now();
    socket.on('close', () => resolve({ read, afterMs: Date.now() - started }));
  });
  socket.on('error', () => undefined);
  return { socket, closed, read: () => read };
}

describe('slow clients', () => {
  const limits = { headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 50, keepAliveTimeoutMs: 1500, maxRequestsPerSocket: 3 };
  let running: RunningServer;
  beforeAll(async () => {
    const app = new Koa();
    app.use(async (ctx) => {
      if (ctx.path === '/slow') await new Promise((r) => setTimeout(r, limits.requestTimeoutMs + 300));
      // As the API does: the answer waits for the whole body.
      if (ctx.method === 'POST') await new Promise((resolve) => ctx.req.on('end', resolve).resume());
      ctx.body = 'done';
    });
    running = await listen(app, {
      port: 0,
      host: '127.0.0.1',
      shutdownTimeoutMs: 1000,
      logger: pino({ level: 'silent' }),
      state: { shuttingDown: false },
      limits,
    });
  });
  afterAll(() => running.shutdown());

  it('keeps production limits in the tens of seconds, the headers’ within the request’s, keep-alive past the ALB’s 60 s', () => {
    expect(CONNECTION_LIMITS.headersTimeoutMs).toBeGreaterThanOrEqual(10_000);
    expect(CONNECTION_LIMITS.requestTimeoutMs).toBeLessThanOrEqual(60_000);
    expect(CONNECTION_LIMITS.headersTimeoutMs).toBeLessThanOrEqual(CONNECTION_LIMITS.requestTimeoutMs);
    expect(CONNECTION_LIMITS.keepAliveTimeoutMs).toBeGreaterThan(60_000);
  });

  it('cuts off a client that never finishes its headers: 408, then the connection is closed', async () => {
    const client = rawConnection(running.port);
    client.socket.write('GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const { read, afterMs } = await client.closed;
    expect(read).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeGreaterThanOrEqual(limits.headersTimeoutMs - 50);
  });

  it('cuts off a client that never finishes its body, though its headers came in time', async () => {
    const client = rawConnection(running.port);
    client.socket.write('POST /v1/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"items":');
    const { read, afterMs } = await client.closed;
    expect(read).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeGreaterThanOrEqual(limits.requestTimeoutMs - 50);
  });

  it('lets a handler take longer than the request timeout once the request is in', async () => {
    const client = rawConnection(running.port);
    client.socket.write('GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect((await client.closed).read).toMatch(/^HTTP\/1\.1 200 [\s\S]*done$/);
  });

  it('times an idle keep-alive connection by keepAliveTimeout alone, and closes it after its last allowed request', async () => {
    const client = rawConnection(running.port);
    const answers = () => client.read().match(/HTTP\/1\.1 200 /g)?.length ?? 0;
    const answered = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (answers() >= count ? resolve() : client.socket.once('data', check));
        check();
      });
    client.socket.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    await answered(1);
    // Idle for longer than both request timeouts, then the next request on the same connection is served.
    await new Promise((r) => setTimeout(r, limits.requestTimeoutMs + 2 * limits.checkIntervalMs));
    client.socket.write('GET /b HTTP/1.1\r\nHost: x\r\n\r\n');
    await answered(2);
    client.socket.write('GET /c HTTP/1.1\r\nHost: x\r\n\r\n');
    const { read } = await client.closed;
    expect(read.match(/HTTP\/1\.1 200 /g)).toHaveLength(3);
    expect(read.split('HTTP/1.1 200 ')[3]).toMatch(/Connection: close/i);
  });
});
