import type { Product } from '../domain/product';
import type { CatalogChanges, ProductPage, ProductRepository } from './ports';

export type GetProductResult = { kind: 'found'; product: Product } | { kind: 'not-found' };

/** One product by SKU. */
export function getProduct(deps: { products: Pick<ProductRepository, 'get'> }) {
  return async (sku: string): Promise<GetProductResult> => {
    const product = await deps.products.get(sku);
    return product ? { kind: 'found', product } : { kind: 'not-found' };
  };
}

/** The catalog by SKU, a page at a time after `afterSku` (a task's catalog cache may answer it). */
export function listProducts(deps: { products: Pick<ProductRepository, 'listPage'> }) {
  return (input: { limit: number; afterSku?: string }): Promise<ProductPage> => deps.products.listPage(input.limit, input.afterSku);
}

export interface ProductDetails {
  name: string;
  price: number;
  currency: string;
  stock: number;
}

/**
 * Creates or replaces a product (an admin's action, checked by the caller), stamped with the time of the change;
 * anything serving from a copy of the catalog is told, so new orders are priced, and pages listed, from the new product.
 */
export function putProduct(deps: { products: Pick<ProductRepository, 'put'>; changes: CatalogChanges; clock: () => Date }) {
  return async (sku: string, details: ProductDetails): Promise<{ product: Product; created: boolean }> => {
    const product: Product = { sku, ...details, updatedAt: deps.clock().toISOString() };
    const created = await deps.products.put(product);
    deps.changes.invalidate(sku);
    return { product, created };
  };
}
