import { getProduct, listProducts, putProduct } from '../../core/catalog/useCases';
import type { Product } from '../../core/domain/product';

/** The catalog's workflows through their ports; test/api/products.test.ts runs them against DynamoDB Local. */
const now = new Date('2026-11-25T12:00:00.000Z');
const keyboard: Product = { sku: 'KB-001', name: 'Keyboard', price: 8900, currency: 'EUR', stock: 5, updatedAt: '2026-01-01T00:00:00.000Z' };

describe('catalog use cases', () => {
  it('finds a product by SKU, or says it is not there', async () => {
    const get = getProduct({ products: { get: async (sku) => (sku === keyboard.sku ? keyboard : undefined) } });
    expect(await get('KB-001')).toEqual({ kind: 'found', product: keyboard });
    expect(await get('NOPE')).toEqual({ kind: 'not-found' });
  });

  it('lists a page of the catalog as the repository gives it, after the SKU asked for', async () => {
    const asked: Array<[number, string | undefined]> = [];
    const list = listProducts({
      products: { listPage: async (limit, afterSku) => (asked.push([limit, afterSku]), { products: [keyboard], lastSku: 'KB-001' }) },
    });
    expect(await list({ limit: 1, afterSku: 'CB-004' })).toEqual({ products: [keyboard], lastSku: 'KB-001' });
    expect(asked).toEqual([[1, 'CB-004']]);
  });

  it('stamps a replaced product with the time of the change, and tells the pricing cache, after the write', async () => {
    const events: string[] = [];
    const put = putProduct({
      products: { put: async (p) => (events.push(`put ${p.sku} ${p.updatedAt}`), false) },
      changes: { invalidate: (sku) => events.push(`invalidate ${sku}`) },
      clock: () => now,
    });
    const result = await put('KB-001', { name: 'Keyboard v2', price: 9900, currency: 'EUR', stock: 7 });
    expect(result).toEqual({
      created: false,
      product: { sku: 'KB-001', name: 'Keyboard v2', price: 9900, currency: 'EUR', stock: 7, updatedAt: now.toISOString() },
    });
    expect(events).toEqual([`put KB-001 ${now.toISOString()}`, 'invalidate KB-001']);
  });
});
