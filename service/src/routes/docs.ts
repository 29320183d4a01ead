import { readFileSync } from 'node:fs';
import path from 'node:path';
import Router from '@koa/router';
import { koaSwagger } from 'koa2-swagger-ui';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import type { AppState } from '../http/context';

const ASSETS_PREFIX = '/order_docs/assets';
const ASSETS: Record<string, { file: string; type: string }> = {
  'swagger-ui.min.css': { file: 'swagger-ui.css', type: 'text/css' },
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'application/javascript' },
  'swagger-ui-standalone-preset.js': { file: 'swagger-ui-standalone-preset.js', type: 'application/javascript' },
};

/** The spec at /v1/openapi.json and Swagger UI at /order_docs, with its assets served from swagger-ui-dist (no CDN). */
export function docsRoutes(document: object): Router<AppState> {
  const router = new Router<AppState>();
  const spec = JSON.stringify(document);
  const distDir = getAbsoluteFSPath();
  const assets = new Map(Object.entries(ASSETS).map(([name, a]) => [name, { type: a.type, body: readFileSync(path.join(distDir, a.file)) }]));

  router.get('/v1/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = spec;
  });
  router.get(`${ASSETS_PREFIX}/:name`, (ctx) => {
    const asset = assets.get(ctx.params.name ?? '');
    if (!asset) return;
    ctx.type = asset.type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = asset.body;
  });
  const ui = koaSwagger({
    routePrefix: '/order_docs',
    title: 'Orders API',
    // koa2-swagger-ui builds <cdn>/<version>/<file>; point both halves at our own assets route.
    swaggerCdnUrl: '/order_docs',
    swaggerVersion: 'assets',
    hideTopbar: true,
    swaggerOptions: { url: '/v1/openapi.json', persistAuthorization: true },
  });
  router.get('/order_docs', ui as never);
  return router;
}
