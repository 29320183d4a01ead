import pino from 'pino';
import supertest from 'supertest';
import { createApp } from '../../service/src/app';
import { documentClient } from '../../core/store/client';
import { LOCAL_AWS } from '../../local/dynamodb';
import { freePort } from '../../local/process';
import { responseContract } from '../support/responseContract';
import { createTestApi, type TestApi } from '../support/api';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

describe('health', () => {
  it('answers liveness and readiness without a token when the store is reachable', async () => {
    const res = await api.http.get('/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    const ready = await api.http.get('/v1/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', store: 'reachable' });
  });

  it('stays alive when the store is unreachable (the load balancer keeps the task), while readiness and API calls answer 503', async () => {
    const deadPort = await freePort();
    const db = documentClient({ ...LOCAL_AWS, endpoint: `http://127.0.0.1:${deadPort}`, maxAttempts: 1 });
    const app = createApp({
      db,
      tableName: 'nowhere',
      verifier: { verify: async () => ({ sub: 'x', username: 'x', groups: [], isAdmin: false }) },
      logger: pino({ level: 'silent' }),
    });
    const contract = responseContract();
    app.middleware.unshift(contract.middleware);
    const http = supertest(app.callback());
    expect((await http.get('/v1/health')).status).toBe(200);
    const health = await http.get('/v1/health/ready');
    expect(health.status).toBe(503);
    expect(health.headers['retry-after']).toBe('1');
    expect(health.body.store).toBe('unreachable');
    const order = await http.get('/v1/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV').set('Authorization', 'Bearer a.b.c');
    expect(order.body).toMatchObject({ status: 503 });
    expect(order.status).toBe(503);
    expect(order.headers['retry-after']).toBe('1');
    expect(order.headers['content-type']).toMatch(/problem\+json/);
    expect([contract.checked.responses, contract.violations]).toEqual([3, []]); // each 503 as published
    db.destroy();
  });

  it('fails health while shutting down so the load balancer stops routing here', async () => {
    const app = createApp({
      db: api.table.db,
      tableName: api.table.tableName,
      verifier: {
        verify: async () => {
          throw new Error();
        },
      },
      logger: pino({ level: 'silent' }),
      isShuttingDown: () => true,
    });
    const contract = responseContract();
    app.middleware.unshift(contract.middleware);
    for (const path of ['/v1/health', '/v1/health/ready']) {
      const res = await supertest(app.callback()).get(path);
      expect(res.status).toBe(503);
      expect(res.headers.connection).toBe('close');
    }
    expect([contract.checked.responses, contract.violations]).toEqual([2, []]);
  });
});

describe('OpenAPI and Swagger UI', () => {
  it('serves a valid OpenAPI 3.1 document that covers every route', async () => {
    const res = await api.http.get('/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const result = await validator.validate(res.body);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(Object.keys(res.body.paths).sort()).toEqual(
      ['/v1/health', '/v1/health/ready', '/v1/orders', '/v1/orders/{orderId}', '/v1/orders/{orderId}/cancel', '/v1/products', '/v1/products/{sku}'].sort(),
    );
    // The request schema is the validating one: its limits appear in the document.
    const line = res.body.components.schemas.OrderLineRequest;
    expect(line.properties.quantity).toMatchObject({ minimum: 1, maximum: 1000 });
    expect(line.additionalProperties).toBe(false);
  });

  it('serves Swagger UI with its assets from this server, not a CDN', async () => {
    const page = await api.http.get('/order_docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(sources.length).toBe(3);
    for (const source of sources) {
      expect(source.startsWith('/order_docs/assets/')).toBe(true);
      const asset = await api.http.get(source);
      expect(asset.status).toBe(200);
      expect(Number(asset.headers['content-length'] ?? asset.text.length)).toBeGreaterThan(1000);
    }
    expect(page.text).toContain('/v1/openapi.json');
  });
});

describe('HTTP conventions', () => {
  it('answers unknown routes with a 404 problem', async () => {
    const res = await api.http.get('/v2/nothing');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, instance: '/v2/nothing', type: '/problems/not-found' });
  });

  it('answers a wrong method with a 405 problem and an Allow header', async () => {
    const res = await api.http.delete('/v1/orders');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toMatch(/GET/);
    expect(res.headers.allow).toMatch(/POST/);
    expect(res.body.status).toBe(405);
  });

  it('logs one JSON line per request with the request id and the ALB trace id', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const app = createApp({
      db: api.table.db,
      tableName: api.table.tableName,
      verifier: { verify: async () => ({ sub: 'x', username: 'x', groups: [], isAdmin: false }) },
      logger,
    });
    await supertest(app.callback()).get('/v1/health').set('X-Request-Id', 'req-42').set('X-Amzn-Trace-Id', 'Root=1-67891233-abcdef012345678912345678');
    const entry = lines.map((l) => JSON.parse(l)).find((e) => e.msg === 'request');
    expect(entry).toMatchObject({ requestId: 'req-42', traceId: 'Root=1-67891233-abcdef012345678912345678', method: 'GET', path: '/v1/health', status: 200 });
  });

  it('echoes a sane X-Request-Id, replaces an unsafe one, and puts it in problems', async () => {
    const echoed = await api.http.get('/v1/health').set('X-Request-Id', 'abc-123');
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const replaced = await api.http.get('/nope').set('X-Request-Id', 'bad id\twith spaces');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.body.requestId).toBe(replaced.headers['x-request-id']);
  });
});
