import type { Product } from '../domain/product';

/** One page of the catalog, by SKU. */
export interface ProductPage {
  products: Product[];
  /** Present when more products follow: the SKU of the last product returned, where the next page starts after. */
  lastSku?: string;
}

/** What the catalog use cases need from the store, in the domain's terms. */
export interface ProductRepository {
  get(sku: string): Promise<Product | undefined>;
  /** At most `limit` products by SKU, after `afterSku`: one read of the catalog, never the whole of it. */
  listPage(limit: number, afterSku?: string): Promise<ProductPage>;
  /** Creates or replaces a product; true when it did not exist before. */
  put(product: Product): Promise<boolean>;
}

/** Told of every product replaced, so copies of the catalog (a task's cache of prices and pages) drop it. */
export interface CatalogChanges {
  invalidate(sku: string): void;
}
