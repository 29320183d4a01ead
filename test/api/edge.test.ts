import { createHash } from 'node:crypto';
import { API_CSP, HSTS } from '../../service/src/http/edge';
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
    const base = { TABLE_NAME: 't', COGNITO_CLIENT_ID: 'c', COGNITO_USER_POOL_ID: 'p', COGNITO_ADMIN_CLIENT_ID: 'a', COGNITO_ADMIN_USER_POOL_ID: 'q' };
    expect(readConfig(base).CORS_ALLOWED_ORIGINS).toEqual([]);
    expect(readConfig({ ...base, CORS_ALLOWED_ORIGINS: `${STOREFRONT}, http://localhost:3000` }).CORS_ALLOWED_ORIGINS).toEqual([
      STOREFRONT,
      'http://localhost:3000',
    ]);
    expect(() => readConfig({ ...base, CORS_ALLOWED_ORIGINS: 'https://shop.example.com/path' })).toThrow(/CORS_ALLOWED_ORIGINS/);
    expect(readConfig({ ...base, HSTS: 'true' }).HSTS).toBe(true);
  });
});

describe('Content-Security-Policy', () => {
  const directives = (policy: string) =>
    new Map(
      policy
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
  const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

  it('gives JSON and problem answers a policy that allows nothing and no framing', async () => {
    const auth = await plain.auth('alice');
    for (const res of [
      await plain.http.get('/v1/health'),
      await plain.http.get('/v1/openapi.json'),
      await plain.http.get('/v1/products').set('Authorization', auth),
      await plain.http.get('/v1/orders').set('Authorization', 'Bearer not.a.token'),
      await plain.http.get('/v1/nothing-here'),
    ]) {
      expect({ status: res.status, csp: res.headers['content-security-policy'] }).toEqual({ status: res.status, csp: API_CSP });
    }
    expect(directives(API_CSP).get('default-src')).toEqual(["'none'"]);
    expect(directives(API_CSP).get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('lets Swagger UI’s page load only its own assets and its inline script, by hash, and be framed by no one', async () => {
    const res = await plain.http.get('/order_docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const policy = directives(res.headers['content-security-policy'] ?? '');
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    // No browser here: the inline script is allowed iff its SHA-256 is in script-src, as a browser would check.
    const scripts = [...res.text.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).toContain('SwaggerUIBundle(options)');
    expect(policy.get('script-src')).toEqual(["'self'", sha256(scripts[0]!)]);
    // Every other script is a file of our own: no CDN, nothing inline that is not hashed.
    const sources = [...res.text.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources).toEqual(['/order_docs/assets/swagger-ui-bundle.js', '/order_docs/assets/swagger-ui-standalone-preset.js']);
    for (const style of [...res.text.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!)) expect(policy.get('style-src')).toContain(sha256(style));
    // Nothing from another origin (koa2-swagger-ui's template links Google Fonts; the page leaves it out).
    expect(res.text).not.toMatch(/(href|src)="(https?:)?\/\//);
  });

  it('keeps a pasted token out of localStorage: no persistAuthorization', async () => {
    const res = await plain.http.get('/order_docs');
    expect(res.text).toContain('"url":"/v1/openapi.json"');
    expect(res.text).not.toMatch(/persistAuthorization/);
  });

  it('serves the page’s assets as the policy expects, from our own origin', async () => {
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'swagger-ui.min.css']) {
      expect((await plain.http.get(`/order_docs/assets/${asset}`)).status).toBe(200);
    }
  });
});
