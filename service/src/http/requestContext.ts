import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { activeTraceId } from '../../../core/tracing/context';
import type { AppState } from './context';

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a caller's X-Request-Id (if it is a sane token) or makes one, echoes it, and logs one line per request. */
export function requestContext(logger: Logger): Middleware<AppState> {
  return async (ctx, next) => {
    const offered = ctx.get('X-Request-Id');
    const requestId = ACCEPTABLE_ID.test(offered) ? offered : randomUUID();
    ctx.state.requestId = requestId;
    // Every line of a request carries its trace id: the OpenTelemetry span's when tracing is on (the one
    // `npm run trace` and X-Ray show), else the ALB's X-Ray header.
    const traceId = activeTraceId() ?? ctx.get('X-Amzn-Trace-Id');
    ctx.state.log = logger.child(traceId ? { requestId, traceId } : { requestId });
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      // The server span is named after the route that matched, as OpenTelemetry's HTTP conventions ask.
      const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      if (typeof route === 'string') trace.getActiveSpan()?.updateName(`${ctx.method} ${route}`).setAttribute('http.route', route);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      ctx.state.log.info(
        { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10, customerId: ctx.state.caller?.sub },
        'request',
      );
    }
  };
}
