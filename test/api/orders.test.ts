import { createHash } from 'node:crypto';
import { cancel, confirm, reject } from '../../core/domain/order';
import { stockReservations } from '../../core/orders/stockReservations';
import { OrderStore } from '../../core/store/orders';
import { DynamoStockLedger } from '../../core/store/stockLedger';
import { createTestApi, type TestApi } from '../support/api';
import { subOf, tokenFor } from '../support/env';

let api: TestApi;
let alice: string;
let bob: string;
let admin: string;

beforeAll(async () => {
  api = await createTestApi();
  [alice, bob, admin] = await Promise.all([api.auth('alice'), api.auth('bob'), api.auth('admin')]);
});
afterAll(() => api.close());

const placeOrder = (auth: string, items: unknown = [{ sku: 'KB-001', quantity: 2 }], headers: Record<string, string> = {}) =>
  api.http.post('/v1/orders').set('Authorization', auth).set(headers).send({ items });

describe('POST /v1/orders', () => {
  it('accepts an order as PENDING with a server-computed total and a Location', async () => {
    const res = await placeOrder(alice, [
      { sku: 'KB-001', quantity: 2 },
      { sku: 'CB-004', quantity: 3 },
    ]);
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/v1/orders/${res.body.orderId}`);
    expect(res.body).toMatchObject({
      status: 'PENDING',
      customerId: subOf(await tokenFor('alice')),
      currency: 'EUR',
      total: 2 * 8900 + 3 * 990,
      version: 1,
      items: [
        { sku: 'KB-001', quantity: 2, unitPrice: 8900 },
        { sku: 'CB-004', quantity: 3, unitPrice: 990 },
      ],
    });
    expect(res.body.history).toEqual([{ status: 'PENDING', at: res.body.createdAt }]);
    expect(res.body).not.toHaveProperty('stockState');
    const stored = await new OrderStore(api.table.db, api.table.tableName).get(res.body.orderId);
    expect(stored?.status).toBe('PENDING');
  });

  it('ignores any price or total the client sends by refusing unknown fields', async () => {
    const res = await api.http
      .post('/v1/orders')
      .set('Authorization', alice)
      .send({ items: [{ sku: 'KB-001', quantity: 1, unitPrice: 1 }], total: 1 });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['items[0].unitPrice', 'total']);
  });

  it.each([
    ['no items', [], 'items'],
    ['a zero quantity', [{ sku: 'KB-001', quantity: 0 }], 'items[0].quantity'],
    ['a fractional quantity', [{ sku: 'KB-001', quantity: 1.5 }], 'items[0].quantity'],
    ['a huge quantity', [{ sku: 'KB-001', quantity: 1e9 }], 'items[0].quantity'],
    ['a quantity as a string', [{ sku: 'KB-001', quantity: '2' }], 'items[0].quantity'],
    ['a malformed sku', [{ sku: 'kb 001', quantity: 1 }], 'items[0].sku'],
    ['a missing sku', [{ quantity: 1 }], 'items[0].sku'],
    [
      'a repeated sku',
      [
        { sku: 'KB-001', quantity: 1 },
        { sku: 'KB-001', quantity: 1 },
      ],
      'items[1].sku',
    ],
    ['an unknown product', [{ sku: 'NOPE-1', quantity: 1 }], 'items[0].sku'],
  ])('rejects %s with a 422 naming the field and writes nothing', async (_name, items, field) => {
    const before = await api.table.snapshot();
    const res = await placeOrder(alice, items);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ status: 422, instance: '/v1/orders' });
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await api.table.snapshot()).toEqual(before);
  });

  it('rejects a body that is not an object', async () => {
    const res = await api.http.post('/v1/orders').set('Authorization', alice).type('json').send('[1,2]');
    expect(res.status).toBe(422);
  });

  it('answers 400 for malformed JSON, 415 for other media types, 413 for large bodies', async () => {
    const malformed = await api.http.post('/v1/orders').set('Authorization', alice).type('json').send('{"items": [');
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toBe('/problems/malformed-json');

    const text = await api.http.post('/v1/orders').set('Authorization', alice).type('text/plain').send('items');
    expect(text.status).toBe(415);

    const big = await placeOrder(alice, [{ sku: 'KB-001', quantity: 1, pad: 'x'.repeat(20_000) }]);
    expect(big.status).toBe(413);
    expect(big.headers['content-type']).toMatch(/problem\+json/);
  });

  it('answers 401 with a Bearer challenge when the token is missing, malformed or forged', async () => {
    const missing = await api.http.post('/v1/orders').send({ items: [] });
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer realm="orders"/);

    const malformed = await placeOrder('Bearer not-a-jwt');
    expect(malformed.status).toBe(401);
    expect(malformed.headers['www-authenticate']).toMatch(/error="invalid_request"/);

    const [header, payload] = (await tokenFor('alice')).split('.');
    const forged = await placeOrder(`Bearer ${header}.${payload}.${Buffer.from('nope').toString('base64url')}`);
    expect(forged.status).toBe(401);
    expect(forged.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  describe('Idempotency-Key', () => {
    it('returns the same order for the same key and body', async () => {
      const first = await placeOrder(alice, [{ sku: 'MS-002', quantity: 1 }], { 'Idempotency-Key': 'replay-1' });
      const second = await placeOrder(alice, [{ sku: 'MS-002', quantity: 1 }], { 'Idempotency-Key': 'replay-1' });
      expect(first.status).toBe(202);
      expect(second.status).toBe(202);
      expect(second.body.orderId).toBe(first.body.orderId);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(first.headers['idempotent-replayed']).toBeUndefined();
    });

    it('answers 422 for the same key with another body, and writes nothing', async () => {
      await placeOrder(alice, [{ sku: 'MS-002', quantity: 1 }], { 'Idempotency-Key': 'replay-2' });
      const before = await api.table.snapshot();
      const res = await placeOrder(alice, [{ sku: 'MS-002', quantity: 2 }], { 'Idempotency-Key': 'replay-2' });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].field).toBe('header.Idempotency-Key');
      expect(await api.table.snapshot()).toEqual(before);
    });

    it('scopes keys to the customer', async () => {
      const mine = await placeOrder(alice, [{ sku: 'MS-002', quantity: 1 }], { 'Idempotency-Key': 'shared-key' });
      const theirs = await placeOrder(bob, [{ sku: 'MS-002', quantity: 1 }], { 'Idempotency-Key': 'shared-key' });
      expect(theirs.status).toBe(202);
      expect(theirs.body.orderId).not.toBe(mine.body.orderId);
    });

    it('creates exactly one order when the same request races itself', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => placeOrder(bob, [{ sku: 'CB-004', quantity: 1 }], { 'Idempotency-Key': 'race-1' })));
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(202));
      expect(new Set(results.map((r) => r.body.orderId)).size).toBe(1);
    });

    it('rejects a key with control characters', async () => {
      const res = await placeOrder(alice, undefined, { 'Idempotency-Key': 'a b' });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('header.Idempotency-Key');
    });
  });
});

describe('GET /v1/orders/{orderId}', () => {
  it('shows the order to its owner and to admins, and is a 404 for anyone else', async () => {
    const { body: order } = await placeOrder(alice);
    expect((await api.http.get(`/v1/orders/${order.orderId}`).set('Authorization', alice)).body.orderId).toBe(order.orderId);
    expect((await api.http.get(`/v1/orders/${order.orderId}`).set('Authorization', admin)).status).toBe(200);
    const other = await api.http.get(`/v1/orders/${order.orderId}`).set('Authorization', bob);
    expect(other.status).toBe(404);
    expect(JSON.stringify(other.body)).not.toContain(order.customerId);
  });

  it('is a 404 for an unknown id and a 400 naming orderId for a malformed one', async () => {
    expect((await api.http.get('/v1/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV').set('Authorization', alice)).status).toBe(404);
    const bad = await api.http.get('/v1/orders/not-an-id').set('Authorization', alice);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('path.orderId');
  });
});

describe('a rejected order', () => {
  it('tells its customer which product was short, and only an admin how many were left', async () => {
    const { body: placed } = await placeOrder(alice, [
      { sku: 'KB-001', quantity: 1 },
      { sku: 'DK-006', quantity: 2 },
    ]);
    // The processor's decision, through its use case on the real table (test/processor/ runs it from the stream).
    const orders = new OrderStore(api.table.db, api.table.tableName);
    const reservations = stockReservations({ ledger: new DynamoStockLedger(api.table.db, api.table.tableName, orders), orders });
    expect(await reservations.reserveStock((await orders.get(placed.orderId))!, new Date())).toMatchObject({ outcome: 'REJECTED' });

    const rejection = { status: 'REJECTED', at: expect.any(String), reason: 'insufficient stock: DK-006' };
    const asCustomer = await api.http.get(`/v1/orders/${placed.orderId}`).set('Authorization', alice);
    expect(asCustomer.body.history.at(-1)).toEqual(rejection);
    expect(JSON.stringify(asCustomer.body)).not.toMatch(/in stock|ordered/);
    const listed = await api.http.get('/v1/orders').query({ limit: 100 }).set('Authorization', alice);
    expect(listed.body.items.find((o: { orderId: string }) => o.orderId === placed.orderId).history.at(-1)).toEqual(rejection);

    const asAdmin = await api.http.get(`/v1/orders/${placed.orderId}`).set('Authorization', admin);
    expect(asAdmin.body.history.at(-1)).toEqual({ ...rejection, detail: 'insufficient stock (DK-006: 0 in stock, 2 ordered)' });
    expect((await orders.get(placed.orderId))!.history.at(-1)).toEqual(asAdmin.body.history.at(-1)); // as stored
  });
});

describe('GET /v1/orders', () => {
  let carol: TestApi;
  beforeAll(async () => {
    carol = await createTestApi(); // a table of its own, so counts are exact
  });
  afterAll(() => carol.close());

  it('pages through the caller’s orders newest first, and only theirs', async () => {
    const token = await carol.auth('alice');
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await carol.http
        .post('/v1/orders')
        .set('Authorization', token)
        .send({ items: [{ sku: 'CB-004', quantity: i + 1 }] });
      created.push(res.body.orderId);
    }
    await carol.http
      .post('/v1/orders')
      .set('Authorization', await carol.auth('bob'))
      .send({ items: [{ sku: 'CB-004', quantity: 1 }] });

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await carol.http
        .get('/v1/orders')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set('Authorization', token);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((o: { orderId: string }) => o.orderId));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual([...created].reverse());
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('refuses a cursor issued to someone else, and a hand-made one stays in the caller’s own orders', async () => {
    const [aliceToken, bobToken] = [await tokenFor('alice'), await tokenFor('bob')];
    const place = async (token: string) =>
      (
        await carol.http
          .post('/v1/orders')
          .set('Authorization', `Bearer ${token}`)
          .send({ items: [{ sku: 'CB-004', quantity: 1 }] })
      ).body.orderId as string;
    // Interleaved, so Alice's order sits between two of Bob's in id order.
    const bobsOlder = await place(bobToken);
    const alices = [await place(aliceToken), await place(aliceToken)];
    const bobsNewer = await place(bobToken);
    const listAs = (token: string, query: Record<string, string | number>) => carol.http.get('/v1/orders').query(query).set('Authorization', `Bearer ${token}`);

    const page = (await listAs(aliceToken, { limit: 1 })).body as { items: Array<{ orderId: string }>; nextCursor: string };
    expect(page.nextCursor).toEqual(expect.any(String));
    const replayed = await listAs(bobToken, { cursor: page.nextCursor });
    expect(replayed.status).toBe(400);
    expect(replayed.body.errors[0]).toMatchObject({ field: 'query.cursor', detail: 'was issued to another caller' });

    // Bound to Bob, but naming Alice's order: the page continues in Bob's own orders from that point in time.
    const holder = createHash('sha256').update(subOf(bobToken)).digest('base64url').slice(0, 12);
    const forged = Buffer.from(JSON.stringify({ after: alices[0], for: holder })).toString('base64url');
    const res = await listAs(bobToken, { cursor: forged, limit: 100 });
    expect(res.status).toBe(200);
    const seen = res.body.items.map((o: { orderId: string }) => o.orderId) as string[];
    const bobsAll = (await listAs(bobToken, { limit: 100 })).body.items.map((o: { orderId: string }) => o.orderId) as string[];
    expect(seen).toEqual(bobsAll.filter((id) => id < alices[0]!));
    expect(seen).toContain(bobsOlder);
    expect(seen).not.toContain(bobsNewer);
    expect(new Set(res.body.items.map((o: { customerId: string }) => o.customerId))).toEqual(new Set([subOf(bobToken)]));
  });

  it.each([
    [{ limit: '0' }, 'query.limit'],
    [{ limit: '101' }, 'query.limit'],
    [{ limit: 'ten' }, 'query.limit'],
    [{ cursor: 'garbage' }, 'query.cursor'],
    [{ sort: 'asc' }, 'query.sort'],
  ])('answers 400 for %j naming %s', async (query, field) => {
    const res = await carol.http
      .get('/v1/orders')
      .query(query)
      .set('Authorization', await carol.auth('alice'));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});

describe('POST /v1/orders/{orderId}/cancel', () => {
  const store = () => new OrderStore(api.table.db, api.table.tableName);

  it('cancels a PENDING order with a reason, and a second cancel is a 409', async () => {
    const { body: order } = await placeOrder(alice);
    const res = await api.http.post(`/v1/orders/${order.orderId}/cancel`).set('Authorization', alice).send({ reason: 'changed my mind' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'CANCELLED', version: 2 });
    expect(res.body.history.at(-1)).toMatchObject({ status: 'CANCELLED', reason: 'changed my mind' });
    const again = await api.http.post(`/v1/orders/${order.orderId}/cancel`).set('Authorization', alice);
    expect(again.status).toBe(409);
  });

  it('cancels a CONFIRMED order but not a REJECTED one', async () => {
    const { body: a } = await placeOrder(alice);
    await store().apply(confirm((await store().get(a.orderId))!, new Date()));
    expect((await api.http.post(`/v1/orders/${a.orderId}/cancel`).set('Authorization', alice)).status).toBe(200);

    const { body: b } = await placeOrder(alice);
    await store().apply(reject((await store().get(b.orderId))!, new Date(), 'out of stock'));
    const res = await api.http.post(`/v1/orders/${b.orderId}/cancel`).set('Authorization', alice);
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('REJECTED');
  });

  it('lets exactly one of two racing cancels win', async () => {
    for (let round = 0; round < 3; round++) {
      const { body: order } = await placeOrder(alice);
      const [x, y] = await Promise.all([
        api.http.post(`/v1/orders/${order.orderId}/cancel`).set('Authorization', alice),
        api.http.post(`/v1/orders/${order.orderId}/cancel`).set('Authorization', alice),
      ]);
      // Whichever read first, the loser finds the order cancelled (at once, or on reading again after its write lost).
      const [won, lost] = x.status === 200 ? [x, y] : [y, x];
      expect([won.status, lost.status]).toEqual([200, 409]);
      expect(won.body).toMatchObject({ orderId: order.orderId, status: 'CANCELLED', version: 2 });
      expect(lost.body).toMatchObject({ type: '/problems/order-not-cancellable', detail: 'The order is CANCELLED.' });
      const stored = await store().get(order.orderId);
      expect(stored).toMatchObject({ status: 'CANCELLED', version: 2 });
      expect(stored!.history.filter((h) => h.status === 'CANCELLED')).toHaveLength(1);
    }
  });

  it('refuses a stale conditional write in the store itself', async () => {
    const { body: order } = await placeOrder(alice);
    const read = (await store().get(order.orderId))!;
    await store().apply(cancel(read, new Date()));
    await expect(store().apply(confirm(read, new Date()))).rejects.toThrow('changed since it was read');
  });

  it('is a 404 for someone else’s order and does not change it', async () => {
    const { body: order } = await placeOrder(alice);
    expect((await api.http.post(`/v1/orders/${order.orderId}/cancel`).set('Authorization', bob)).status).toBe(404);
    expect((await store().get(order.orderId))!.status).toBe('PENDING');
  });

  it('validates the reason', async () => {
    const { body: order } = await placeOrder(alice);
    const res = await api.http.post(`/v1/orders/${order.orderId}/cancel`).set('Authorization', alice).send({ reason: 'a\u0000b' });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe('reason');
  });
});
