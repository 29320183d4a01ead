import { createHash } from 'node:crypto';
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

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const inline = (html: string, pattern: RegExp) => [...html.matchAll(pattern)].map((match) => sha256(match[1] ?? ''));

/**
 * Swagger UI's page, rendered once (koa2-swagger-ui's template; it renders the same page for every request),
 * less its Google Fonts stylesheet (a third party learning who reads the docs; the CSP would block it anyway).
 */
function swaggerPage(): string {
  const render = koaSwagger({
    routePrefix: '/order_docs',
    title: 'Orders API',
    // koa2-swagger-ui builds <cdn>/<version>/<file>; point both halves at our own assets route.
    swaggerCdnUrl: '/order_docs',
    swaggerVersion: 'assets',
    hideTopbar: true,
    // No persistAuthorization: a pasted token stays in the page's memory, never in localStorage where any
    // script of the origin could read it after the tab is closed. No validator badge (validator.swagger.io).
    swaggerOptions: { url: '/v1/openapi.json', validatorUrl: null },
  });
  const page = { path: '/order_docs', type: '', body: '' as unknown };
  void render(page as never, () => Promise.resolve());
  return String(page.body).replace(/<link[^>]*fonts\.googleapis\.com[^>]*>\s*/g, '');
}

/**
 * The page's own assets and nothing else: its inline init script and style block by hash, the one inline
 * style attribute (an SVG sprite) by hash, the spec and the API calls Swagger UI makes from the same origin,
 * the data: icons of its stylesheet; no framing.
 */
function pagePolicy(html: string): string {
  const scripts = inline(html, /<script>([\s\S]*?)<\/script>/g);
  const styles = inline(html, /<style>([\s\S]*?)<\/style>/g);
  const styleAttributes = inline(html, /\sstyle="([^"]*)"/g);
  return [
    "default-src 'none'",
    ["script-src 'self'", ...scripts].join(' '),
    ["style-src 'self'", ...styles, ...(styleAttributes.length ? ["'unsafe-hashes'", ...new Set(styleAttributes)] : [])].join(' '),
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The spec at /v1/openapi.json and Swagger UI at /order_docs, with its assets served from swagger-ui-dist (no CDN). */
export function docsRoutes(document: object): Router<AppState> {
  const router = new Router<AppState>();
  const spec = JSON.stringify(document);
  const distDir = getAbsoluteFSPath();
  const assets = new Map(Object.entries(ASSETS).map(([name, a]) => [name, { type: a.type, body: readFileSync(path.join(distDir, a.file)) }]));
  const page = swaggerPage();
  const policy = pagePolicy(page);

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
  router.get('/order_docs', (ctx) => {
    ctx.type = 'text/html';
    ctx.set('Content-Security-Policy', policy);
    ctx.body = page;
  });
  return router;
}
