import Koa from 'koa';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from 'pino';
import type { CustomerLimits } from '../../core/domain/limits';
import { OrderStore } from '../../core/store/orders';
import { ProductStore } from '../../core/store/products';
import { requireAdmin, requireAuth } from './auth/middleware';
import type { AccessTokenVerifier } from './auth/verifier';
import { DEFAULT_BODY_LIMIT, jsonBody } from './http/body';
import type { AppState } from './http/context';
import { corsPolicy, securityHeaders, type EdgeOptions } from './http/edge';
import { problemResponses } from './http/errors';
import { requestContext } from './http/requestContext';
import { CatalogCache } from './catalogCache';
import { openApiDocument } from './openapi';
import { docsRoutes } from './routes/docs';
import { healthRoutes } from './routes/health';
import { orderRoutes } from './routes/orders';
import { productRoutes } from './routes/products';

export interface AppDeps {
  db: DynamoDBDocumentClient;
  tableName: string;
  verifier: AccessTokenVerifier;
  logger: Logger;
  clock?: () => Date;
  bodyLimitBytes?: number;
  /** How long a task may price orders from a cached catalog entry (default 2 s; 0 disables the cache). */
  catalogCacheMs?: number;
  /** True once SIGTERM arrived: health fails so the load balancer stops sending, responses close connections. */
  isShuttingDown?: () => boolean;
  /** Per-customer limits on placing orders (core/domain/limits.ts); none when absent (tests that load one customer). */
  limits?: CustomerLimits;
  /** CORS allow-list and HSTS (service/src/http/edge.ts). */
  edge?: EdgeOptions;
}

/** Builds the API from its dependencies; no globals, so tests build as many as they like. */
export function createApp(deps: AppDeps): Koa<AppState> {
  const clock = deps.clock ?? (() => new Date());
  const isShuttingDown = deps.isShuttingDown ?? (() => false);
  const orders = new OrderStore(deps.db, deps.tableName);
  const products = new ProductStore(deps.db, deps.tableName);
  const catalog = new CatalogCache(products, deps.catalogCacheMs ?? 2000);
  const authenticate = requireAuth(deps.verifier);
  const readBody = jsonBody(deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT);

  const app = new Koa<AppState>();
  app.proxy = true; // behind the ALB
  app.silent = true; // errors are logged once, by requestContext/problemResponses

  app.use(requestContext(deps.logger));
  app.use(async (ctx, next) => {
    if (isShuttingDown()) ctx.set('Connection', 'close');
    await next();
  });
  app.use(securityHeaders(deps.edge ?? {}));
  app.use(corsPolicy(deps.edge ?? {}));
  app.use(problemResponses());

  const routers = [
    healthRoutes({ db: deps.db, tableName: deps.tableName, isShuttingDown }),
    docsRoutes(openApiDocument()),
    orderRoutes({ orders, catalog, clock, ...(deps.limits ? { limits: deps.limits } : {}), authenticate, readBody }),
    productRoutes({ products, catalog, clock, authenticate, requireAdmin: requireAdmin(), readBody }),
  ];
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
