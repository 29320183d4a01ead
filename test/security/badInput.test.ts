import fc from 'fast-check';
import type { Response } from 'supertest';
import { createTestApi, type TestApi } from '../support/api';

/**
 * Property-based bad input: generated malformed requests of every kind. Each must be a 4xx problem+json
 * (never a 5xx, never a success) and, all of them together, must leave the table exactly as it was.
 * FUZZ_REQUESTS sets the total (default 10,000).
 */
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const PARALLEL = 16;

let api: TestApi;
let alice: string;
let admin: string;
let aliceOrderId: string;
let before: Record<string, unknown>[];
const statuses = new Map<number, number>();

beforeAll(async () => {
  api = await createTestApi();
  [alice, admin] = await Promise.all([api.auth('alice'), api.auth('admin')]);
  aliceOrderId = (
    await api.http
      .post('/v1/orders')
      .set('Authorization', alice)
      .send({ items: [{ sku: 'KB-001', quantity: 1 }] })
  ).body.orderId;
  before = await api.table.snapshot();
}, 60_000);
afterAll(() => api.close());

// ——— generators ———
const validLine = fc.record({ sku: fc.constantFrom('KB-001', 'MS-002', 'CB-004'), quantity: fc.integer({ min: 1, max: 3 }) });
const controlChar = fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c));
/** Invisible format characters (Unicode Cf): bidi override and isolate, zero-width space and joiner, BOM, soft hyphen. */
const formatChar = fc.constantFrom('\u202e', '\u2066', '\u200b', '\u200d', '\ufeff', '\u00ad');
const withFormatChar = fc.tuple(fc.string({ maxLength: 5 }), formatChar, fc.string({ maxLength: 5 })).map(([a, c, b]) => `${a}${c}${b}ok`);
const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.tuple(fc.string({ maxLength: 5 }), controlChar, fc.string({ maxLength: 5 })).map(([a, c, b]) => a + c + b),
  fc.constantFrom(
    '',
    ' ',
    'kb-001',
    'KB 001',
    'ＫＢ-００１',
    '💥',
    'A'.repeat(33),
    '../../etc/passwd',
    "' OR 1=1 --",
    '<script>',
    '\u202e001-BK',
    'KB-001\u0000',
  ),
);
const badSku = fc.oneof(
  nastyString.filter((s) => !/^[A-Z0-9][A-Z0-9-]{0,31}$/.test(s)),
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.constantFrom('NOPE-1', 'ZZ-999', 'X'),
);
const badQuantity = fc.oneof(
  fc.integer({ min: -1_000_000, max: 0 }),
  fc.integer({ min: 1001, max: Number.MAX_SAFE_INTEGER }),
  fc.double({ min: 0.001, max: 999, noInteger: true, noNaN: true }),
  fc.constantFrom(1e21, -0.5, '1', '2', 'one', null, true, [], {}),
);
const deep = fc.integer({ min: 50, max: 4000 }).map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown);
const extraKey = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !['sku', 'quantity', 'items', '__proto__'].includes(k));

const badLine = fc.oneof(
  fc.record({ sku: badSku, quantity: fc.constant(1) }),
  fc.record({ sku: fc.constant('KB-001'), quantity: badQuantity }),
  fc.record({ quantity: fc.constant(1) }),
  fc.record({ sku: fc.constant('KB-001') }),
  fc.tuple(validLine, extraKey, fc.jsonValue()).map(([line, key, value]) => ({ ...line, [key]: value })),
  fc.oneof(fc.constant(null), fc.string(), fc.integer(), deep),
);

const badOrderBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.array(fc.jsonValue(), { maxLength: 3 }), fc.constant({})),
  fc.record({
    items: fc.oneof(fc.constant(null), fc.string(), fc.integer(), fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }), fc.constant([]), deep),
  }),
  fc.array(validLine, { minLength: 51, maxLength: 60 }).map((items) => ({ items })),
  fc.tuple(fc.array(validLine, { maxLength: 4 }), badLine, fc.nat()).map(([lines, bad, at]) => {
    const items = [...lines];
    items.splice(at % (lines.length + 1), 0, bad as never);
    return { items };
  }),
  fc.tuple(validLine, extraKey, fc.jsonValue()).map(([line, key, value]) => ({ items: [line], [key]: value })),
  fc.constant({
    items: [
      { sku: 'KB-001', quantity: 1 },
      { sku: 'KB-001', quantity: 2 },
    ],
  }),
  fc.tuple(validLine, deep).map(([line, nested]) => ({ items: [line], nested })),
);

const badOrderId = fc.oneof(
  nastyString.filter((s) => s.length > 0 && !/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(s)),
  fc.constantFrom(
    '01arz3ndektsv4rrffq69g5fav',
    '81ARZ3NDEKTSV4RRFFQ69G5FAV',
    '01ARZ3NDEKTSV4RRFFQ69G5FA',
    '01ARZ3NDEKTSV4RRFFQ69G5FAVX',
    '01ARZ3NDEKTSV4RRFFQ69G5FIL',
  ),
);
const badCursor = fc.oneof(
  nastyString.filter((s) => s.length > 0),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
  fc.constant(Buffer.from(JSON.stringify({ after: '01ARZ3NDEKTSV4RRFFQ69G5FAV', for: 'someone-else' })).toString('base64url')),
);
const badLimit = fc.oneof(
  fc.integer({ max: 0 }),
  fc.integer({ min: 101 }),
  fc.double({ noInteger: true, noNaN: true, min: 0.1, max: 99 }),
  fc.constantFrom('ten', '', '1e3', '0x10', ' 5'),
);
const badProduct: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    name: fc.oneof(fc.constant(''), fc.string({ minLength: 101, maxLength: 120 }), fc.integer(), controlChar, withFormatChar),
    price: fc.constant(100),
    currency: fc.constant('EUR'),
    stock: fc.constant(1),
  }),
  fc.record({
    name: fc.constant('ok'),
    price: fc.oneof(fc.integer({ max: -1 }), fc.double({ noInteger: true, noNaN: true }), fc.constant('9.99')),
    currency: fc.constant('EUR'),
    stock: fc.constant(1),
  }),
  fc.record({
    name: fc.constant('ok'),
    price: fc.constant(1),
    currency: fc.oneof(
      fc.string().filter((c) => !/^[A-Z]{3}$/.test(c)),
      fc.constant(null),
    ),
    stock: fc.constant(1),
  }),
  fc.record({
    name: fc.constant('ok'),
    price: fc.constant(1),
    currency: fc.constant('EUR'),
    stock: fc.oneof(fc.integer({ max: -1 }), fc.constant(1.5), fc.constant(null)),
  }),
  fc
    .tuple(
      extraKey.filter((k) => !['name', 'price', 'currency', 'stock'].includes(k)),
      fc.jsonValue(),
    )
    .map(([key, value]) => ({ name: 'ok', price: 1, currency: 'EUR', stock: 1, [key]: value })),
  fc.oneof(fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 2 }), fc.string()),
);

type Attack = { what: string; send: () => Promise<Response> };
const post = (path: string, auth: string, body: unknown) =>
  api.http.post(path).set('Authorization', auth).set('Content-Type', 'application/json').send(JSON.stringify(body));

const attacks: Array<[string, number, fc.Arbitrary<Attack>]> = [
  [
    'malformed order bodies',
    0.45,
    badOrderBody.map((body) => ({ what: `POST /v1/orders ${JSON.stringify(body)?.slice(0, 200)}`, send: () => post('/v1/orders', alice, body) })),
  ],
  [
    'raw bodies: broken JSON, wrong types, oversize',
    0.1,
    fc.oneof(
      fc
        .string({ minLength: 1, maxLength: 200 })
        .filter((t) => {
          try {
            JSON.parse(t);
            return false;
          } catch {
            return true;
          }
        })
        .map((text) => ({
          what: `POST /v1/orders raw ${JSON.stringify(text)}`,
          send: () => api.http.post('/v1/orders').set('Authorization', alice).set('Content-Type', 'application/json').send(text),
        })),
      fc
        .constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
        )
        .map((type) => ({
          what: `POST /v1/orders as ${type}`,
          send: () => api.http.post('/v1/orders').set('Authorization', alice).set('Content-Type', type).send('{"items":[{"sku":"KB-001","quantity":1}]}'),
        })),
      fc.integer({ min: 16 * 1024 + 1, max: 200_000 }).map((size) => ({
        what: `POST /v1/orders with ${size} bytes`,
        send: () => post('/v1/orders', alice, { items: [{ sku: 'KB-001', quantity: 1 }], pad: 'x'.repeat(size) }),
      })),
      fc.oneof(fc.string({ minLength: 256, maxLength: 300 }), fc.constantFrom('with space', 'tab\there')).map((key) => ({
        what: `Idempotency-Key ${JSON.stringify(key)}`,
        send: () => post('/v1/orders', alice, { items: [{ sku: 'KB-001', quantity: 1 }] }).set('Idempotency-Key', key),
      })),
    ),
  ],
  [
    'invalid order ids',
    0.1,
    fc.tuple(badOrderId, fc.boolean()).map(([id, cancel]) => ({
      what: `${cancel ? 'cancel' : 'get'} ${JSON.stringify(id)}`,
      send: () =>
        cancel
          ? post(`/v1/orders/${encodeURIComponent(id)}/cancel`, alice, {})
          : api.http.get(`/v1/orders/${encodeURIComponent(id)}`).set('Authorization', alice),
    })),
  ],
  [
    'bad cancel bodies on a real order',
    0.1,
    fc
      .oneof(
        fc.record({
          reason: fc.oneof(
            fc.integer(),
            fc.constant(''),
            fc.string({ minLength: 201, maxLength: 220 }),
            fc.tuple(fc.string({ maxLength: 5 }), controlChar).map(([a, c]) => a + c),
            withFormatChar,
            fc.constant(null),
          ),
        }),
        fc
          .tuple(
            extraKey.filter((k) => k !== 'reason'),
            fc.jsonValue(),
          )
          .map(([key, value]) => ({ [key]: value })),
        fc.oneof(fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 2 }), fc.string(), fc.integer()),
      )
      .map((body) => ({ what: `cancel body ${JSON.stringify(body)?.slice(0, 200)}`, send: () => post(`/v1/orders/${aliceOrderId}/cancel`, alice, body) })),
  ],
  [
    'invalid list queries and forged cursors',
    0.1,
    fc
      .oneof(
        badLimit.map((limit) => ({ limit: String(limit) })),
        badCursor.map((cursor) => ({ cursor })),
        fc
          .tuple(
            extraKey.filter((k) => k !== 'limit' && k !== 'cursor'),
            fc.string({ maxLength: 10 }),
          )
          .map(([k, v]) => ({ [k]: v })),
      )
      .map((query) => ({ what: `list ${JSON.stringify(query)}`, send: () => api.http.get('/v1/orders').query(query).set('Authorization', alice) })),
  ],
  [
    'malformed catalog writes by an admin',
    0.15,
    fc.oneof(
      badProduct.map((body) => ({
        what: `PUT product ${JSON.stringify(body)?.slice(0, 200)}`,
        send: () => api.http.put('/v1/products/FUZZ-1').set('Authorization', admin).set('Content-Type', 'application/json').send(JSON.stringify(body)),
      })),
      badSku
        .filter((s): s is string => typeof s === 'string' && s.length > 0 && !/^[A-Z0-9][A-Z0-9-]{0,31}$/.test(s))
        .map((sku) => ({
          what: `PUT product sku ${JSON.stringify(sku)}`,
          send: () =>
            api.http
              .put(`/v1/products/${encodeURIComponent(sku)}`)
              .set('Authorization', admin)
              .send({ name: 'ok', price: 1, currency: 'EUR', stock: 1 }),
        })),
    ),
  ],
];

describe('invisible format characters in free text', () => {
  const sendReason = (text: string) => post(`/v1/orders/${aliceOrderId}/cancel`, alice, { reason: text });
  const sendName = (text: string) => api.http.put('/v1/products/FUZZ-1').set('Authorization', admin).send({ name: text, price: 1, currency: 'EUR', stock: 1 });
  it.each([
    ['a cancel reason', 'U+202E', 'reason', sendReason, '\u202e'],
    ['a cancel reason', 'U+200B', 'reason', sendReason, '\u200b'],
    ['a product name', 'U+202E', 'name', sendName, '\u202e'],
    ['a product name', 'U+200B', 'name', sendName, '\u200b'],
  ])('refuses %s holding %s: 422 naming the field and the character', async (_what, label, field, send, char) => {
    const res = await send(`Changed my mind${char}gnp.exe`);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([{ field, pointer: `#/${field}`, detail: expect.stringContaining(`invisible format characters`) }]);
    expect(res.body.errors[0].detail).toContain(`(found ${label})`);
    expect(res.body.detail).toMatch(new RegExp(`^${field}: must not contain invisible format characters`));
  });
});

describe(`${TOTAL} malformed requests`, () => {
  it.each(attacks)(
    '%s: each one a 4xx problem+json, never a 5xx',
    async (_kind, share, arbitrary) => {
      const samples = fc.sample(arbitrary, { numRuns: Math.round(TOTAL * share), seed: SEED });
      for (let i = 0; i < samples.length; i += PARALLEL) {
        await Promise.all(
          samples.slice(i, i + PARALLEL).map(async (attack) => {
            const res = await attack.send();
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status < 400 || res.status >= 500 || !/^application\/problem\+json/.test(res.headers['content-type'] ?? '')) {
              throw new Error(`${attack.what} → ${res.status} ${res.text.slice(0, 300)}`);
            }
          }),
        );
      }
    },
    300_000,
  );

  it('left the table exactly as it was: no partial write anywhere', async () => {
    const sent = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(sent).toBeGreaterThanOrEqual(TOTAL * 0.99);
    expect(await api.table.snapshot()).toEqual(before);
    console.log(`bad input: ${sent} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  });
});
