import { DEMO_CATALOG } from '../../core/domain/product';
import { createTestApi, type TestApi } from '../support/api';

let api: TestApi;
beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());

describe('products', () => {
  it('lists the seeded catalog to any signed-in user', async () => {
    const res = await api.http.get('/v1/products').set('Authorization', await api.auth('bob'));
    expect(res.status).toBe(200);
    expect(res.body.items.map((p: { sku: string }) => p.sku).sort()).toEqual(DEMO_CATALOG.map((p) => p.sku).sort());
    expect(res.body.items.find((p: { sku: string }) => p.sku === 'KB-001')).toMatchObject({ price: 8900, currency: 'EUR', stock: 100 });
  });

  it('lets admins create (201) and replace (200) a product, and new orders use its price', async () => {
    const admin = await api.auth('admin');
    const created = await api.http.put('/v1/products/NEW-1').set('Authorization', admin).send({ name: 'New thing', price: 1234, currency: 'EUR', stock: 5 });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe('/v1/products/NEW-1');
    const located = await api.http.get(created.headers.location!).set('Authorization', await api.auth('bob'));
    expect([located.status, located.body]).toEqual([200, created.body]); // Location names a readable resource
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

  it('refuses an order mixing currencies, naming the line', async () => {
    const admin = await api.auth('admin');
    await api.http.put('/v1/products/USD-1').set('Authorization', admin).send({ name: 'Dollar thing', price: 100, currency: 'USD', stock: 5 });
    const res = await api.http
      .post('/v1/orders')
      .set('Authorization', await api.auth('alice'))
      .send({
        items: [
          { sku: 'KB-001', quantity: 1 },
          { sku: 'USD-1', quantity: 1 },
        ],
      });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ field: 'items[1].sku', pointer: '#/items/1/sku' });
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
