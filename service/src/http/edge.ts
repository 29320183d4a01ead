import cors from '@koa/cors';
import type { Middleware } from 'koa';
import type { AppState } from './context';

/** What browsers and HTTP caches may do with this API. */
export interface EdgeOptions {
  /** Origins (scheme://host[:port]) whose pages may call the API; none by default. Credentials are never allowed. */
  corsOrigins?: readonly string[];
  /** Send Strict-Transport-Security: only where the stack serves HTTPS. */
  hsts?: boolean;
}

export const HSTS = 'max-age=31536000; includeSubDomains';

/** For JSON and problem answers: a browser that renders one anyway may load, run and frame nothing. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Headers for every response: `nosniff`; a Content-Security-Policy that allows nothing unless the route set its
 * own (Swagger UI's page); HSTS where the stack serves HTTPS; `no-store` whenever the request carried
 * credentials (orders and catalog answers hold personal data, and a shared cache must never keep them).
 */
export function securityHeaders(options: EdgeOptions): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      ctx.set('X-Content-Type-Options', 'nosniff');
      if (!ctx.response.get('Content-Security-Policy')) ctx.set('Content-Security-Policy', API_CSP);
      if (options.hsts) ctx.set('Strict-Transport-Security', HSTS);
      if (ctx.get('Authorization') || ctx.state.caller) ctx.set('Cache-Control', 'no-store');
    }
  };
}

/**
 * CORS for an allow-list of origins (@koa/cors): a preflight from an allowed origin is answered; any other
 * origin gets no CORS headers at all, so its browser refuses to send or read. Bearer tokens travel in the
 * Authorization header, so cookies (credentials) are never allowed.
 */
export function corsPolicy(options: EdgeOptions): Middleware<AppState> {
  const allowed = new Set(options.corsOrigins ?? []);
  return cors({
    origin: (ctx) => (allowed.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
    credentials: false,
    allowMethods: ['GET', 'POST', 'PUT'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposeHeaders: ['Location', 'Idempotent-Replayed', 'Retry-After', 'X-Request-Id', 'WWW-Authenticate'],
    maxAge: 600,
  }) as unknown as Middleware<AppState>;
}
