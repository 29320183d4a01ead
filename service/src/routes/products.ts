import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { ProductRepository } from '../../../core/catalog/ports';
import { getProduct, listProducts, putProduct } from '../../../core/catalog/useCases';
import { callerOf } from '../auth/middleware';
import type { CatalogCache } from '../catalogCache';
import type { AppState } from '../http/context';
import { ProblemError } from '../http/problem';
import { parse } from '../http/validate';
import { ListProductsQuery, PutProductRequest, Sku } from '../schemas';
import { decodeProductCursor, encodeProductCursor, productView } from './views';

export interface ProductRouteDeps {
  products: ProductRepository;
  /** The task's catalog cache: pages of the list are served from it, and every change is told to it. */
  catalog: CatalogCache;
  clock: () => Date;
  authenticate: Middleware<AppState>;
  requireAdmin: Middleware<AppState>;
  readBody: Middleware<AppState>;
}

const PathParams = z.strictObject({ sku: Sku });

/** The catalog routes: customers read availability, admins also the stock, and only admins write. */
export function productRoutes({ products, catalog, clock, authenticate, requireAdmin, readBody }: ProductRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/v1/products' });
  const list = listProducts({ products: catalog });
  const get = getProduct({ products });
  const put = putProduct({ products, changes: catalog, clock });

  router.get('/', authenticate, async (ctx) => {
    const query = parse('query', ListProductsQuery, ctx.query);
    const after = query.cursor === undefined ? undefined : decodeProductCursor(query.cursor);
    const page = await list({ limit: query.limit, ...(after !== undefined ? { afterSku: after } : {}) });
    const caller = callerOf(ctx);
    ctx.body = {
      items: page.products.map((product) => productView(product, caller)),
      ...(page.lastSku !== undefined ? { nextCursor: encodeProductCursor(page.lastSku) } : {}),
    };
  });

  router.get('/:sku', authenticate, async (ctx) => {
    const { sku } = parse('path', PathParams, ctx.params);
    const found = await get(sku);
    if (found.kind === 'not-found') throw new ProblemError(404, 'product-not-found', 'Product not found', `No product with sku ${sku}.`);
    ctx.body = productView(found.product, callerOf(ctx));
  });

  router.put('/:sku', authenticate, requireAdmin, readBody, async (ctx) => {
    const { sku } = parse('path', PathParams, ctx.params);
    const { product, created } = await put(sku, parse('body', PutProductRequest, ctx.state.body));
    ctx.status = created ? 201 : 200;
    if (created) ctx.set('Location', `/v1/products/${sku}`);
    ctx.body = productView(product, callerOf(ctx));
  });

  return router;
}
