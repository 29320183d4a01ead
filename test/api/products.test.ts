import { DEMO_CATALOG } from '../../core/domain/product';
import { ProductStore } from '../../core/store/products';
import { createTestApi, type TestApi } from '../support/api';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

describe('products', () => {
  it('lists the seeded catalog to any signed-in user: availability to a customer, the stock too to an admin', async () => {
    const res = await api.http.get('/v1/products').set('Authorization', await api.auth('bob'));
    expect(res.status).toBe(200);
    expect(res.body.items.map((p: { sku: string }) => p.sku).sort()).toEqual(DEMO_CATALOG.map((p) => p.sku).sort());
    const bySku = (items: Array<{ sku: string }>) => Object.fromEntries(items.map((p) => [p.sku, p]));
    expect(bySku(res.body.items)).toMatchObject({
      'KB-001': { price: 8900, currency: 'EUR', availability: 'IN_STOCK' },
      'HS-005': { availability: 'LOW_STOCK' },
      'DK-006': { availability: 'OUT_OF_STOCK' },
    });
    expect(res.body.items.filter((p: object) => 'stock' in p)).toEqual([]);
    const asAdmin = await api.http.get('/v1/products').set('Authorization', await api.auth('admin'));
    expect(bySku(asAdmin.body.items)).toMatchObject({
      'KB-001': { availability: 'IN_STOCK', stock: 100 },
      'DK-006': { availability: 'OUT_OF_STOCK', stock: 0 },
    });
  });

  it('shows one product’s availability to a customer and its stock only to an admin', async () => {
    const asCustomer = await api.http.get('/v1/products/HS-005').set('Authorization', await api.auth('alice'));
    expect(asCustomer.status).toBe(200);
    expect(asCustomer.body).toEqual({ sku: 'HS-005', name: 'Headset', price: 5900, currency: 'EUR', availability: 'LOW_STOCK', updatedAt: expect.any(String) });
    const asAdmin = await api.http.get('/v1/products/HS-005').set('Authorization', await api.auth('admin'));
    expect(asAdmin.body).toEqual({ ...asCustomer.body, stock: 3 });
  });

  it('lets admins create (201) and replace (200) a product, and new orders use its price', async () => {
    const admin = await api.auth('admin');
    const created = await api.http.put('/v1/products/NEW-1').set('Authorization', admin).send({ name: 'New thing', price: 1234, currency: 'EUR', stock: 5 });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe('/v1/products/NEW-1');
    expect(created.body).toMatchObject({ stock: 5, availability: 'LOW_STOCK' }); // an admin's view
    const located = await api.http.get(created.headers.location!).set('Authorization', await api.auth('bob'));
    const { stock: _stock, ...customerView } = created.body;
    expect([located.status, located.body]).toEqual([200, customerView]); // Location names a readable resource
    const replaced = await api.http.put('/v1/products/NEW-1').set('Authorization', admin).send({ name: 'New thing', price: 1500, currency: 'EUR', stock: 7 });
    expect(replaced.status).toBe(200);
    const order = await api.http
      .post('/v1/orders')
      .set('Authorization', await api.auth('alice'))
      .send({ items: [{ sku: 'NEW-1', quantity: 2 }] });
    expect(order.body).toMatchObject({ total: 3000, items: [{ sku: 'NEW-1', unitPrice: 1500 }] });
  });

  it('answers 404 (problem) for a product that does not exist', async () => {
    const res = await api.http.get('/v1/products/NOPE-1').set('Authorization', await api.auth('bob'));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ type: expect.stringContaining('product-not-found'), detail: 'No product with sku NOPE-1.' });
  });

  it('accepts and answers an order whose total passes any one price (top price × quantity)', async () => {
    const admin = await api.auth('admin');
    await api.http.put('/v1/products/DEAR-1').set('Authorization', admin).send({ name: 'Dear thing', price: 1_000_000_000, currency: 'EUR', stock: 100 });
    const alice = await api.auth('alice');
    const placed = await api.http
      .post('/v1/orders')
      .set('Authorization', alice)
      .send({ items: [{ sku: 'DEAR-1', quantity: 20 }] });
    expect([placed.status, placed.body.total]).toEqual([202, 20_000_000_000]);
    const read = await api.http.get(`/v1/orders/${placed.body.orderId}`).set('Authorization', alice);
    expect([read.status, read.body.total]).toEqual([200, 20_000_000_000]);
  });

  it('refuses an order with an unknown product and a foreign currency, naming each line’s sku and what is wrong with it, and writes nothing', async () => {
    const admin = await api.auth('admin');
    await api.http.put('/v1/products/USD-1').set('Authorization', admin).send({ name: 'Dollar thing', price: 100, currency: 'USD', stock: 5 });
    const before = await api.table.snapshot();
    const res = await api.http
      .post('/v1/orders')
      .set('Authorization', await api.auth('alice'))
      .send({
        items: [
          { sku: 'KB-001', quantity: 1 },
          { sku: 'NOPE-1', quantity: 1 },
          { sku: 'USD-1', quantity: 1 },
        ],
      });
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('/problems/unorderable-items');
    expect(res.body.errors).toEqual([
      { field: 'items[1].sku', pointer: '#/items/1/sku', detail: "unknown product 'NOPE-1'" },
      { field: 'items[2].sku', pointer: '#/items/2/sku', detail: 'priced in USD, the order is in EUR' },
    ]);
    expect(await api.table.snapshot()).toEqual(before);
  });

  it('is 403 for customers and writes nothing', async () => {
    const before = await api.table.snapshot();
    const res = await api.http
      .put('/v1/products/KB-001')
      .set('Authorization', await api.auth('alice'))
      .send({ name: 'Free', price: 0, currency: 'EUR', stock: 1 });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(await api.table.snapshot()).toEqual(before);
  });

  it.each([
    [{ name: 'x', price: -1, currency: 'EUR', stock: 1 }, 'price'],
    [{ name: 'x', price: 1, currency: 'euro', stock: 1 }, 'currency'],
    [{ name: 'x', price: 1, currency: 'EUR', stock: 1.5 }, 'stock'],
    [{ name: '', price: 1, currency: 'EUR', stock: 1 }, 'name'],
    [{ price: 1, currency: 'EUR', stock: 1 }, 'name'],
  ])('answers 422 for %j naming %s', async (body, field) => {
    const res = await api.http
      .put('/v1/products/BAD-1')
      .set('Authorization', await api.auth('admin'))
      .send(body);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('answers 400 for a malformed sku in the path', async () => {
    const res = await api.http
      .put('/v1/products/bad%20sku')
      .set('Authorization', await api.auth('admin'))
      .send({ name: 'x', price: 1, currency: 'EUR', stock: 1 });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('path.sku');
  });
});

describe('the product list, a page at a time', () => {
  let paged: TestApi;
  beforeAll(async () => {
    // A table of its own holding only the demo catalog, and a cache that outlives the test.
    paged = await createTestApi({ catalogCacheMs: 60_000 });
  });
  afterAll(() => paged.close());

  const list = async (query: string, user: 'alice' | 'admin' = 'alice') => paged.http.get(`/v1/products${query}`).set('Authorization', await paged.auth(user));
  const skus = (res: { body: { items: Array<{ sku: string }> } }) => res.body.items.map((p) => p.sku);

  it('pages through the catalog by SKU with limit and nextCursor, and the last page has no cursor', async () => {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const res = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      pages.push(skus(res));
      cursor = res.body.nextCursor;
    } while (cursor !== undefined && pages.length < 10);
    expect(pages).toEqual([
      ['CB-004', 'DK-006'],
      ['HS-005', 'KB-001'],
      ['MN-003', 'MS-002'],
    ]);
    const all = await list('');
    expect([skus(all), all.body.nextCursor]).toEqual([pages.flat(), undefined]); // 20 by default
  });

  it.each([
    ['a forged cursor', 'query.cursor', '?cursor=forged'],
    [
      'an order list’s cursor',
      'query.cursor',
      `?cursor=${Buffer.from(JSON.stringify({ after: '01ARZ3NDEKTSV4RRFFQ69G5FAV', for: 'x' })).toString('base64url')}`,
    ],
    ['a limit of 0', 'query.limit', '?limit=0'],
    ['a limit over 100', 'query.limit', '?limit=101'],
    ['an unknown parameter', 'query.offset', '?offset=2'],
  ])('answers 400 for %s, naming %s', async (_what, field, query) => {
    const res = await list(query);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
  });

  it('serves a page from the task’s cache until a PUT through the API replaces a product', async () => {
    const first = await list('?limit=3');
    // Written behind the API's back: the cached page does not show it, so the list did not read the table.
    await new ProductStore(paged.table.db, paged.table.tableName).put({
      sku: 'AA-000',
      name: 'Early',
      price: 1,
      currency: 'EUR',
      stock: 1,
      updatedAt: new Date().toISOString(),
    });
    expect((await list('?limit=3')).body).toEqual(first.body);
    expect(skus(await list('?limit=3', 'admin'))).toEqual(skus(first)); // one cache, whoever reads
    const put = await paged.http
      .put('/v1/products/KB-001')
      .set('Authorization', await paged.auth('admin'))
      .send({ name: 'Mechanical keyboard', price: 8900, currency: 'EUR', stock: 5 });
    expect(put.status).toBe(200);
    const after = await list('?limit=3');
    expect(skus(after)).toEqual(['AA-000', 'CB-004', 'DK-006']);
    expect((await list('?limit=2&cursor=' + encodeURIComponent(after.body.nextCursor))).body.items).toEqual([
      expect.objectContaining({ sku: 'HS-005', availability: 'LOW_STOCK' }),
      expect.objectContaining({ sku: 'KB-001', availability: 'LOW_STOCK' }),
    ]);
  });
});

describe('a product replaced through the API', () => {
  let cached: TestApi;
  beforeAll(async () => {
    // A cache that outlives the test: only the PUT's invalidation can make the task see a change.
    cached = await createTestApi({ catalogCacheMs: 60_000 });
  });
  afterAll(() => cached.close());

  const orderOne = async () =>
    cached.http
      .post('/v1/orders')
      .set('Authorization', await cached.auth('alice'))
      .send({ items: [{ sku: 'KB-001', quantity: 1 }] });
  const listedKeyboard = async (user: 'alice' | 'admin') =>
    (await cached.http.get('/v1/products?limit=100').set('Authorization', await cached.auth(user))).body.items.find((p: { sku: string }) => p.sku === 'KB-001');

  it('reaches the task’s cache at once: the next order is priced, and the list shows, the new price and stock', async () => {
    expect((await orderOne()).body).toMatchObject({ total: 8900 });
    expect(await listedKeyboard('admin')).toMatchObject({ price: 8900, stock: 100 });
    // Written behind the API's back: orders and the list still answer the old product, so both read from the cache.
    const keyboard = (await new ProductStore(cached.table.db, cached.table.tableName).get('KB-001'))!;
    await new ProductStore(cached.table.db, cached.table.tableName).put({ ...keyboard, price: 1, stock: 1 });
    expect((await orderOne()).body).toMatchObject({ total: 8900 });
    expect(await listedKeyboard('admin')).toMatchObject({ price: 8900, stock: 100 });

    const put = await cached.http
      .put('/v1/products/KB-001')
      .set('Authorization', await cached.auth('admin'))
      .send({ name: 'Keyboard', price: 9900, currency: 'EUR', stock: 3 });
    expect(put.status).toBe(200);
    expect((await orderOne()).body).toMatchObject({ total: 9900, items: [{ sku: 'KB-001', unitPrice: 9900 }] });
    expect(await listedKeyboard('admin')).toMatchObject({ price: 9900, stock: 3, availability: 'LOW_STOCK' });
    expect(await listedKeyboard('alice')).toEqual({
      sku: 'KB-001',
      name: 'Keyboard',
      price: 9900,
      currency: 'EUR',
      availability: 'LOW_STOCK',
      updatedAt: put.body.updatedAt,
    });
  });
});
