import { createTestApi, type TestApi } from '../support/api';
import { idTokenFor, tokenFor } from '../support/env';
import { claimsOf, signToken } from '../support/jwt';

/**
 * The auth matrix: every kind of bad credential against every protected route is a 401 with a Bearer
 * challenge and no data; another customer's orders are 404; customers on admin routes are 403.
 */
let api: TestApi;
let aliceOrder: { orderId: string; customerId: string };
let valid: Record<string, unknown>;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  api = await createTestApi();
  const token = await tokenFor('alice');
  valid = claimsOf(token);
  // The forged tokens below are signed with the real key: if any were accepted, this proves it.
  expect((await api.http.get('/v1/orders').set('Authorization', `Bearer ${signToken({ ...valid, iat: now(), exp: now() + 600 })}`)).status).toBe(200);
  aliceOrder = (
    await api.http
      .post('/v1/orders')
      .set('Authorization', `Bearer ${token}`)
      .send({ items: [{ sku: 'KB-001', quantity: 1 }] })
  ).body;
});
afterAll(() => api.close());

const routes = () =>
  [
    ['POST', '/v1/orders', { items: [{ sku: 'KB-001', quantity: 1 }] }],
    ['GET', '/v1/orders', undefined],
    ['GET', `/v1/orders/${aliceOrder.orderId}`, undefined],
    ['POST', `/v1/orders/${aliceOrder.orderId}/cancel`, undefined],
    ['GET', '/v1/products', undefined],
    ['PUT', '/v1/products/KB-001', { name: 'x', price: 1, currency: 'EUR', stock: 1 }],
  ] as const;

const call = (method: string, path: string, body: unknown, authorization?: string) => {
  const req = method === 'GET' ? api.http.get(path) : method === 'PUT' ? api.http.put(path) : api.http.post(path);
  if (authorization !== undefined) req.set('Authorization', authorization);
  return body === undefined ? req : req.send(body as object);
};

const badCredentials: Array<[string, () => Promise<string | undefined>]> = [
  ['no Authorization header', async () => undefined],
  ['an empty header', async () => ''],
  ['a Basic credential', async () => 'Basic YWxpY2U6cGFzc3dvcmQ='],
  ['a malformed token', async () => 'Bearer not.a.jwt!'],
  ['an expired token', async () => `Bearer ${signToken({ ...valid, iat: now() - 7200, exp: now() - 3600 })}`],
  ['a token not yet valid', async () => `Bearer ${signToken({ ...valid, iat: now(), nbf: now() + 3600, exp: now() + 7200 })}`],
  [
    'a tampered payload',
    async () => {
      const [h, , s] = (await tokenFor('alice')).split('.');
      return `Bearer ${h}.${Buffer.from(JSON.stringify({ ...valid, 'cognito:groups': ['admins'] })).toString('base64url')}.${s}`;
    },
  ],
  [
    'a tampered signature',
    async () => {
      const [h, p, s] = (await tokenFor('alice')).split('.');
      return `Bearer ${h}.${p}.${s!.slice(0, -4)}AAAA`;
    },
  ],
  [
    'an unsigned token (alg none)',
    async () => {
      const [, p] = (await tokenFor('alice')).split('.');
      return `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    },
  ],
  [
    'a token of another issuer',
    async () => `Bearer ${signToken({ ...valid, iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other', exp: now() + 600 })}`,
  ],
  ['a token for another app client', async () => `Bearer ${signToken({ ...valid, client_id: 'someone-elses-client', exp: now() + 600 })}`],
  ['an id token instead of an access token', async () => `Bearer ${await idTokenFor('alice')}`],
  // Signed with the real key, for the right client: only the claim differs.
  ['a token that says it is an id token', async () => `Bearer ${signToken({ ...valid, token_use: 'id', exp: now() + 600 })}`],
  ['a token with an empty subject', async () => `Bearer ${signToken({ ...valid, sub: '', exp: now() + 600 })}`],
  ['a token whose subject is not a string', async () => `Bearer ${signToken({ ...valid, sub: 42, exp: now() + 600 })}`],
  ['a JWT with something before Bearer', async () => `xBearer ${await tokenFor('alice')}`],
  ['a JWT with something after it', async () => `Bearer ${await tokenFor('alice')} extra`],
  ['a token signed by an unknown key', async () => `Bearer ${signToken({ ...valid, exp: now() + 600 }, { kid: 'not-in-jwks' })}`],
];

describe('auth matrix', () => {
  it.each(badCredentials)('%s is a 401 on every protected route, with a challenge and no data', async (_name, credential) => {
    const authorization = await credential();
    for (const [method, path, body] of routes()) {
      const res = await call(method, path, body, authorization);
      expect({ route: `${method} ${path}`, status: res.status }).toEqual({ route: `${method} ${path}`, status: 401 });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="orders"/);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      // Only the problem itself: no order fields, no owner (the path the caller sent may echo in `instance`).
      expect(Object.keys(res.body).sort()).toEqual(['detail', 'instance', 'requestId', 'status', 'title', 'type']);
      expect(JSON.stringify(res.body)).not.toContain(aliceOrder.customerId);
    }
  });

  it('says in its challenge why, as RFC 6750 has it: no token, a header that is no Bearer JWT, a token refused, one expired', async () => {
    const refused = async (authorization: string | undefined) => {
      const res = await call('GET', '/v1/orders', undefined, authorization);
      return { status: res.status, title: res.body.title, detail: res.body.detail as string, challenge: res.headers['www-authenticate'] as string };
    };
    // No credential at all: the challenge names the realm only (RFC 6750, 3.1).
    expect(await refused(undefined)).toEqual({
      status: 401,
      title: 'Authentication required',
      detail: 'Send an access token: Authorization: Bearer <token>.',
      challenge: 'Bearer realm="orders"',
    });
    const malformed = await refused('Bearer not.a.jwt!');
    expect(malformed.challenge).toBe(`Bearer realm="orders", error="invalid_request", error_description="${malformed.detail}"`);
    const expired = await refused(`Bearer ${signToken({ ...valid, iat: now() - 7200, exp: now() - 3600 })}`);
    const tampered = await refused(`Bearer ${signToken({ ...valid, token_use: 'id', exp: now() + 600 })}`);
    for (const answer of [expired, tampered])
      expect(answer.challenge).toBe(`Bearer realm="orders", error="invalid_token", error_description="${answer.detail}"`);
    // A client refreshes an expired token, and signs in again for one that will never be valid: it must tell them apart.
    expect(expired.detail).toMatch(/expired/);
    expect(tampered.detail).not.toMatch(/expired/);
  });

  it('tells a customer on an admin route that the token lacks the scope (insufficient_scope)', async () => {
    const res = await api.http
      .put('/v1/products/KB-001')
      .set('Authorization', await api.auth('alice'))
      .send({ name: 'x', price: 1, currency: 'EUR', stock: 1 });
    expect(res.status).toBe(403);
    expect(res.body.title).toBe('Forbidden');
    expect(res.body.detail).toMatch(/admin/);
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="orders", error="insufficient_scope", error_description="${res.body.detail}"`);
  });

  it('shows another customer’s order to nobody but its owner and admins: get, list, cancel are 404 or empty', async () => {
    const bob = await api.auth('bob');
    expect((await api.http.get(`/v1/orders/${aliceOrder.orderId}`).set('Authorization', bob)).status).toBe(404);
    expect((await api.http.post(`/v1/orders/${aliceOrder.orderId}/cancel`).set('Authorization', bob)).status).toBe(404);
    const list = await api.http.get('/v1/orders').set('Authorization', bob);
    expect(JSON.stringify(list.body)).not.toContain(aliceOrder.orderId);
    expect((await api.http.get(`/v1/orders/${aliceOrder.orderId}`).set('Authorization', await api.auth('admin'))).status).toBe(200);
  });

  it('forbids customers the admin routes (403) and writes nothing', async () => {
    const before = await api.table.snapshot();
    for (const user of ['alice', 'bob'] as const) {
      const res = await api.http
        .put('/v1/products/KB-001')
        .set('Authorization', await api.auth(user))
        .send({ name: 'Free', price: 0, currency: 'EUR', stock: 999 });
      expect(res.status).toBe(403);
    }
    expect(await api.table.snapshot()).toEqual(before);
  });

  it('grants admin rights only to the admins’ pool: a customer’s token naming the admins group is still a customer’s', async () => {
    const admin = claimsOf(await tokenFor('admin'));
    const fresh = { iat: now(), exp: now() + 600 };
    const cases: Array<[string, Record<string, unknown>, number]> = [
      // Signed with the real key, valid in every other way: only where the token came from differs.
      ['customers’ pool, admins group', { ...valid, ...fresh, 'cognito:groups': ['admins'] }, 403],
      ['admins’ pool, no group', { ...admin, ...fresh, 'cognito:groups': [] }, 403],
      ['admins’ pool, through a customers’ client', { ...admin, ...fresh, client_id: valid.client_id }, 401],
      ['customers’ pool, through the admins’ client', { ...valid, ...fresh, client_id: admin.client_id, 'cognito:groups': ['admins'] }, 401],
      ['admins’ pool, admins group', { ...admin, ...fresh }, 200],
    ];
    const before = await api.table.snapshot();
    const outcomes = [];
    for (const [name, claims] of cases) {
      const res = await api.http
        .put('/v1/products/AUTH-PROBE')
        .set('Authorization', `Bearer ${signToken(claims)}`)
        .send({ name: 'Probe', price: 1, currency: 'EUR', stock: 0 });
      outcomes.push([name, res.status === 201 ? 200 : res.status]);
    }
    expect(outcomes).toEqual(cases.map(([name, , status]) => [name, status]));
    expect(admin.iss).not.toBe(valid.iss);
    // Only the last, the admin's, wrote anything.
    const written = (await api.table.snapshot()).filter((item) => !before.some((b) => JSON.stringify(b) === JSON.stringify(item)));
    expect(written.map((item) => item.PK)).toEqual(['PRODUCT#AUTH-PROBE']);
  });
});
