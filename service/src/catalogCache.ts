import type { Product } from '../../core/domain/product';
import type { ProductCatalog } from '../../core/orders/ports';

/**
 * Prices for new orders, read through a short-lived per-task cache: pricing an order then costs one write
 * instead of a read and a write. A price change reaches this task at once (the PUT invalidates) and other
 * tasks within `ttlMs`. Stock is never read here — the processor reserves it transactionally.
 */
export class CatalogCache implements ProductCatalog {
  private readonly entries = new Map<string, { product: Product; expires: number }>();

  constructor(
    private readonly products: ProductCatalog,
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

  invalidate(sku: string): void {
    this.entries.delete(sku);
  }
}
