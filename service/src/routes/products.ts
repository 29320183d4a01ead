import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { ProductRepository } from '../../../core/catalog/ports';
import { getProduct, listProducts, putProduct } from '../../../core/catalog/useCases';
import type { CatalogCache } from '../catalogCache';
import type { AppState } from '../http/context';
import { ProblemError } from '../http/problem';
import { parse } from '../http/validate';
import { PutProductRequest, Sku } from '../schemas';
import { productView } from './views';

export interface ProductRouteDeps {
  products: ProductRepository;
  catalog: CatalogCache;
  clock: () => Date;
  authenticate: Middleware<AppState>;
  requireAdmin: Middleware<AppState>;
  readBody: Middleware<AppState>;
}

const PathParams = z.strictObject({ sku: Sku });

export function productRoutes({ products, catalog, clock, authenticate, requireAdmin, readBody }: ProductRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/v1/products' });
  const list = listProducts({ products });
  const get = getProduct({ products });
  const put = putProduct({ products, changes: catalog, clock });

  router.get('/', authenticate, async (ctx) => {
    ctx.body = { items: (await list()).map(productView) };
  });

  router.get('/:sku', authenticate, async (ctx) => {
    const { sku } = parse('path', PathParams, ctx.params);
    const found = await get(sku);
    if (found.kind === 'not-found') throw new ProblemError(404, 'product-not-found', 'Product not found', `No product with sku ${sku}.`);
    ctx.body = productView(found.product);
  });

  router.put('/:sku', authenticate, requireAdmin, readBody, async (ctx) => {
    const { sku } = parse('path', PathParams, ctx.params);
    const { product, created } = await put(sku, parse('body', PutProductRequest, ctx.state.body));
    ctx.status = created ? 201 : 200;
    if (created) ctx.set('Location', `/v1/products/${sku}`);
    ctx.body = productView(product);
  });

  return router;
}
