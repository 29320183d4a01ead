import type { ProductPage, ProductRepository } from '../../core/catalog/ports';
import { listProducts, putProduct } from '../../core/catalog/useCases';
import type { Product } from '../../core/domain/product';
import type { ProductCatalog } from '../../core/orders/ports';
import { CatalogCache, MAX_CACHED_PAGES } from '../../service/src/catalogCache';

const product = (sku: string, price: number): Product => ({ sku, name: sku, price, currency: 'EUR', stock: 1, updatedAt: '' });

/** A store over a map of prices that counts its reads: what the cache is in front of. */
function fakeStore(prices: Map<string, number>) {
  const reads: string[][] = [];
  const pageReads: Array<[number, string | undefined]> = [];
  const store: ProductCatalog & Pick<ProductRepository, 'listPage' | 'put'> = {
    getMany: async (skus: readonly string[]) => {
      reads.push([...skus]);
      return new Map(skus.filter((s) => prices.has(s)).map((s) => [s, product(s, prices.get(s)!)]));
    },
    listPage: async (limit, afterSku) => {
      pageReads.push([limit, afterSku]);
      const skus = [...prices.keys()].sort().filter((sku) => afterSku === undefined || sku > afterSku);
      const products = skus.slice(0, limit).map((sku) => product(sku, prices.get(sku)!));
      return skus.length > limit ? { products, lastSku: products.at(-1)!.sku } : { products };
    },
    put: async (p) => {
      const created = !prices.has(p.sku);
      prices.set(p.sku, p.price);
      return created;
    },
  };
  return { store, reads, pageReads };
}

const skusOf = (page: ProductPage) => page.products.map((p) => p.sku);

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
    const { store, reads, pageReads } = fakeStore(new Map([['A', 1]]));
    const cache = new CatalogCache(store, 0);
    await cache.getMany(['A']);
    await cache.getMany(['A']);
    expect(reads).toHaveLength(2);
    await cache.listPage(10);
    await cache.listPage(10);
    expect(pageReads).toHaveLength(2);
  });
});

describe('product list pages through the cache (the listProducts use case)', () => {
  const catalog = () =>
    new Map([
      ['A', 1],
      ['B', 2],
      ['C', 3],
    ]);

  it('reads a page from the store once per TTL: a second list within it does not reach the store', async () => {
    const { store, pageReads } = fakeStore(catalog());
    let now = 0;
    const list = listProducts({ products: new CatalogCache(store, 2000, () => now) });
    const first = await list({ limit: 2 });
    expect([skusOf(first), first.lastSku]).toEqual([['A', 'B'], 'B']);
    now = 1999;
    expect(await list({ limit: 2 })).toEqual(first);
    expect(pageReads).toEqual([[2, undefined]]);
    // Another page, or another size, is another read; each is then cached in turn.
    expect(skusOf(await list({ limit: 2, afterSku: 'B' }))).toEqual(['C']);
    await list({ limit: 3 });
    await list({ limit: 2, afterSku: 'B' });
    expect(pageReads).toEqual([
      [2, undefined],
      [2, 'B'],
      [3, undefined],
    ]);
    now = 2000;
    await list({ limit: 2 });
    expect(pageReads).toHaveLength(4);
  });

  it('drops every page when a product is put through this task, so the next list shows it', async () => {
    const { store, pageReads } = fakeStore(catalog());
    const cache = new CatalogCache(store, 60_000);
    const list = listProducts({ products: cache });
    const put = putProduct({ products: store, changes: cache, clock: () => new Date(0) });
    await list({ limit: 2 });
    await list({ limit: 2, afterSku: 'B' });
    await put('AA', { name: 'AA', price: 5, currency: 'EUR', stock: 1 });
    expect(skusOf(await list({ limit: 2 }))).toEqual(['A', 'AA']);
    expect(skusOf(await list({ limit: 2, afterSku: 'AA' }))).toEqual(['B', 'C']);
    expect(pageReads).toHaveLength(4);
  });

  it('shares one store read among concurrent lists of a page, and keeps no failed read', async () => {
    const { store, pageReads } = fakeStore(catalog());
    let fail = true;
    const flaky = { ...store, listPage: (limit: number, after?: string) => (fail ? Promise.reject(new Error('throttled')) : store.listPage(limit, after)) };
    const cache = new CatalogCache(flaky, 60_000);
    await expect(cache.listPage(2)).rejects.toThrow('throttled');
    fail = false;
    const pages = await Promise.all(Array.from({ length: 10 }, () => cache.listPage(2)));
    expect(new Set(pages).size).toBe(1);
    expect(pageReads).toHaveLength(1);
  });

  it('holds at most MAX_CACHED_PAGES pages, dropping the oldest: cursors made up by the thousand cannot grow it', async () => {
    const { store, pageReads } = fakeStore(catalog());
    const cache = new CatalogCache(store, 60_000);
    for (let i = 0; i <= MAX_CACHED_PAGES; i++) await cache.listPage(2, `X${i}`);
    expect(pageReads).toHaveLength(MAX_CACHED_PAGES + 1);
    await cache.listPage(2, `X${MAX_CACHED_PAGES}`); // the newest is still there
    expect(pageReads).toHaveLength(MAX_CACHED_PAGES + 1);
    await cache.listPage(2, 'X0'); // the oldest was dropped
    expect(pageReads).toHaveLength(MAX_CACHED_PAGES + 2);
  });
});
