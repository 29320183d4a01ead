import type { Product } from '../domain/product';

/** What the catalog use cases need from the store, in the domain's terms. */
export interface ProductRepository {
  get(sku: string): Promise<Product | undefined>;
  /** The whole catalog, by SKU. */
  list(): Promise<Product[]>;
  /** Creates or replaces a product; true when it did not exist before. */
  put(product: Product): Promise<boolean>;
}

/** Told of every product replaced, so copies kept for pricing (a task's catalog cache) drop it. */
export interface CatalogChanges {
  invalidate(sku: string): void;
}
