import type { Product } from '../../core/domain/product';
import type { ProductCatalog } from '../../core/orders/ports';
import { CatalogCache } from '../../service/src/catalogCache';

const product = (sku: string, price: number): Product => ({ sku, name: sku, price, currency: 'EUR', stock: 1, updatedAt: '' });

function fakeStore(prices: Map<string, number>) {
  const reads: string[][] = [];
  const store: ProductCatalog = {
    getMany: async (skus: readonly string[]) => {
      reads.push([...skus]);
      return new Map(skus.filter((s) => prices.has(s)).map((s) => [s, product(s, prices.get(s)!)]));
    },
  };
  return { store, reads };
}

describe('catalog cache', () => {
  it('reads each product once per TTL, only the ones it lacks, and not unknown ones into the cache', async () => {
    const prices = new Map([
      ['A', 100],
      ['B', 200],
    ]);
    const { store, reads } = fakeStore(prices);
    let now = 0;
    const cache = new CatalogCache(store, 2000, () => now);
    expect([...(await cache.getMany(['A'])).values()].map((p) => p.price)).toEqual([100]);
    await cache.getMany(['A', 'B', 'X']);
    await cache.getMany(['A', 'B', 'X']);
    expect(reads).toEqual([['A'], ['B', 'X'], ['X']]);
    prices.set('A', 150);
    now = 2001;
    expect((await cache.getMany(['A'])).get('A')!.price).toBe(150);
  });

  it('forgets a product when it is changed through this task', async () => {
    const prices = new Map([['A', 100]]);
    const { store } = fakeStore(prices);
    const cache = new CatalogCache(store, 60_000);
    await cache.getMany(['A']);
    prices.set('A', 300);
    cache.invalidate('A');
    expect((await cache.getMany(['A'])).get('A')!.price).toBe(300);
  });

  it('does not cache with a TTL of 0', async () => {
    const { store, reads } = fakeStore(new Map([['A', 1]]));
    const cache = new CatalogCache(store, 0);
    await cache.getMany(['A']);
    await cache.getMany(['A']);
    expect(reads).toHaveLength(2);
  });
});
