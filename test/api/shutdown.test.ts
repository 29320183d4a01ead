import http from 'node:http';
import Koa from 'koa';
import pino from 'pino';
import { listen } from '../../service/src/server';

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

describe('graceful shutdown', () => {
  it('finishes in-flight requests, refuses new connections, and resolves', async () => {
    const app = new Koa();
    app.use(async (ctx) => {
      await new Promise((r) => setTimeout(r, 300));
      ctx.body = 'done';
    });
    const state = { shuttingDown: false };
    const running = await listen(app, { port: 0, host: '127.0.0.1', shutdownTimeoutMs: 5000, logger: pino({ level: 'silent' }), state });
    const inFlight = get(running.port, '/slow');
    await new Promise((r) => setTimeout(r, 50));
    const closed = running.shutdown();
    expect(running.isShuttingDown()).toBe(true);
    await expect(get(running.port, '/new')).rejects.toThrow(/ECONNREFUSED/);
    await expect(inFlight).resolves.toEqual({ status: 200, body: 'done' });
    await closed;
  });

  it('force-closes what is still open after the timeout', async () => {
    const app = new Koa();
    app.use(() => new Promise(() => undefined)); // never answers
    const running = await listen(app, {
      port: 0,
      host: '127.0.0.1',
      shutdownTimeoutMs: 200,
      logger: pino({ level: 'silent' }),
      state: { shuttingDown: false },
    });
    const hung = get(running.port, '/hang').catch((err: Error) => err.message);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await running.shutdown();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await hung).toMatch(/socket hang up|ECONNRESET/);
  });
});
