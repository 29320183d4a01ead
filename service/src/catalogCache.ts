import type { CatalogChanges, ProductPage, ProductRepository } from '../../core/catalog/ports';
import type { Product } from '../../core/domain/product';
import type { ProductCatalog } from '../../core/orders/ports';

/** Pages of the catalog kept at once: listing pages with ever new cursors cannot grow the cache past this. */
export const MAX_CACHED_PAGES = 256;

/**
 * A short-lived per-task copy of the catalog. Prices for new orders are read through it, so pricing an order
 * costs one write instead of a read and a write; and pages of the product list are served from it, so however
 * often callers list the catalog, a task reads each page from the table at most once per `ttlMs` (concurrent
 * misses of one page share one read). A change reaches this task at once (the PUT invalidates: the product,
 * and every page, as any page may hold it or shift) and other tasks within `ttlMs`. Stock is never decided
 * from here (the processor reserves it transactionally): a page's stock counts, and so its availability, may
 * be up to `ttlMs` old.
 */
export class CatalogCache implements ProductCatalog, Pick<ProductRepository, 'listPage'>, CatalogChanges {
  private readonly entries = new Map<string, { product: Product; expires: number }>();
  private readonly pages = new Map<string, { page: Promise<ProductPage>; expires: number }>();

  constructor(
    private readonly products: ProductCatalog & Pick<ProductRepository, 'listPage'>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async getMany(skus: readonly string[]): Promise<Map<string, Product>> {
    const found = new Map<string, Product>();
    const missing: string[] = [];
    const now = this.now();
    for (const sku of skus) {
      const entry = this.entries.get(sku);
      if (entry && entry.expires > now) found.set(sku, entry.product);
      else missing.push(sku);
    }
    if (missing.length > 0) {
      for (const [sku, product] of await this.products.getMany(missing)) {
        found.set(sku, product);
        if (this.ttlMs > 0) this.entries.set(sku, { product, expires: now + this.ttlMs });
      }
    }
    return found;
  }

  listPage(limit: number, afterSku?: string): Promise<ProductPage> {
    if (this.ttlMs <= 0) return this.products.listPage(limit, afterSku);
    const key = `${limit} ${afterSku ?? ''}`;
    const now = this.now();
    const cached = this.pages.get(key);
    if (cached && cached.expires > now) return cached.page;
    this.pages.delete(key);
    if (this.pages.size >= MAX_CACHED_PAGES) this.pages.delete(this.pages.keys().next().value ?? key);
    const page = this.products.listPage(limit, afterSku);
    const entry = { page, expires: now + this.ttlMs };
    this.pages.set(key, entry);
    // A failed read is not kept: the next caller tries again (unless a change already dropped it).
    void page.catch(() => this.pages.get(key) === entry && this.pages.delete(key));
    return page;
  }

  invalidate(sku: string): void {
    this.entries.delete(sku);
    this.pages.clear();
  }
}
