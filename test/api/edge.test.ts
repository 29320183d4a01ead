import { HSTS } from '../../service/src/http/edge';
import { readConfig } from '../../service/src/config';
import { createTestApi, type TestApi } from '../support/api';

/** The API as a browser and an HTTP cache see it: CORS for an allow-list only, no-store, nosniff, HSTS. */
const STOREFRONT = 'https://shop.example.com';
let plain: TestApi;
let edge: TestApi;
beforeAll(async () => {
  [plain, edge] = await Promise.all([createTestApi(), createTestApi({ edge: { corsOrigins: [STOREFRONT], hsts: true } })]);
});
afterAll(async () => Promise.all([plain.close(), edge.close()]));

describe('caching and sniffing', () => {
  it('marks every answer to a request with credentials no-store, whatever its status', async () => {
    const auth = await plain.auth('alice');
    for (const res of [
      await plain.http.get('/v1/orders').set('Authorization', auth),
      await plain.http.get('/v1/products').set('Authorization', auth),
      await plain.http.get('/v1/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV').set('Authorization', auth),
      await plain.http.get('/v1/orders').set('Authorization', 'Bearer not.a.token'),
    ]) {
      expect({ status: res.status, cacheControl: res.headers['cache-control'] }).toEqual({ status: res.status, cacheControl: 'no-store' });
    }
    expect((await plain.http.get('/v1/health')).headers['cache-control']).toBeUndefined();
  });

  it('sends nosniff on every response, errors included', async () => {
    for (const path of ['/v1/health', '/v1/openapi.json', '/v1/nothing-here', '/v1/orders']) {
      expect((await plain.http.get(path)).headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('sends HSTS only where the stack serves HTTPS', async () => {
    expect((await edge.http.get('/v1/health')).headers['strict-transport-security']).toBe(HSTS);
    expect((await plain.http.get('/v1/health')).headers['strict-transport-security']).toBeUndefined();
  });
});

describe('CORS', () => {
  it('answers a preflight from an allowed origin, without credentials', async () => {
    const res = await edge.http
      .options('/v1/orders')
      .set('Origin', STOREFRONT)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type, idempotency-key');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(STOREFRONT);
    expect(res.headers['access-control-allow-methods']).toBe('GET,POST,PUT');
    expect(res.headers['access-control-allow-headers']).toBe('Authorization,Content-Type,Idempotency-Key,X-Request-Id');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('lets the allowed origin read answers and the headers it needs', async () => {
    const res = await edge.http
      .get('/v1/orders')
      .set('Origin', STOREFRONT)
      .set('Authorization', await edge.auth('alice'));
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(STOREFRONT);
    expect(res.headers['access-control-expose-headers']).toContain('Location');
    expect(res.headers.vary).toMatch(/Origin/);
  });

  it('gives any other origin no CORS headers at all, preflight or not', async () => {
    for (const api of [edge, plain]) {
      const preflight = await api.http.options('/v1/orders').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
      const read = await api.http.get('/v1/health').set('Origin', 'https://evil.example');
      expect(read.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('takes the allow-list from the task environment, refusing anything that is not an origin', () => {
    const base = { TABLE_NAME: 't', COGNITO_CLIENT_ID: 'c', COGNITO_USER_POOL_ID: 'p' };
    expect(readConfig(base).CORS_ALLOWED_ORIGINS).toEqual([]);
    expect(readConfig({ ...base, CORS_ALLOWED_ORIGINS: `${STOREFRONT}, http://localhost:3000` }).CORS_ALLOWED_ORIGINS).toEqual([
      STOREFRONT,
      'http://localhost:3000',
    ]);
    expect(() => readConfig({ ...base, CORS_ALLOWED_ORIGINS: 'https://shop.example.com/path' })).toThrow(/CORS_ALLOWED_ORIGINS/);
    expect(readConfig({ ...base, HSTS: 'true' }).HSTS).toBe(true);
  });
});
