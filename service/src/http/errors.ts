import type { Middleware } from 'koa';
import { contentionCodes } from '../../../core/dynamoErrors';
import type { AppState } from './context';
import { ProblemError, problemForStatus, problemType, type ProblemBody } from './problem';

const STORE_UNAVAILABLE = new Set([
  'TimeoutError',
  'RequestTimeout',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  // The SDK retried a token-carrying transaction while its first attempt still ran: it may yet land, so try again.
  'TransactionInProgressException',
  // Still contended after the use case's own retries (core/orders/retry.ts): the caller may try again.
  'WriteContentionError',
  'StockContentionError',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const NETWORK_MESSAGE = new RegExp(`\\b(${[...NETWORK_CODES].join('|')})\\b|socket hang up`);

/** Is this the store failing (down, throttled, timing out) rather than our bug? Those become 503 + Retry-After. */
export function isStoreUnavailable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  if (!e || typeof e !== 'object') return false;
  if (e.name && STORE_UNAVAILABLE.has(e.name)) return true;
  // A write others held (or DynamoDB throttled), with nothing refused, can simply be retried.
  if (contentionCodes(err)) return true;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  // The SDK may wrap a socket error into a plain Error whose message is all that is left of its code.
  if (err instanceof Error && NETWORK_MESSAGE.test(err.message)) return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return e.cause !== undefined && e.cause !== err && isStoreUnavailable(e.cause);
}

function toProblem(err: unknown): ProblemError {
  if (err instanceof ProblemError) return err;
  if (isStoreUnavailable(err)) {
    return new ProblemError(503, 'store-unavailable', 'The order store is unavailable', 'Try again shortly.', undefined, {
      'Retry-After': '1',
    });
  }
  // Errors from Koa and its helpers (ctx.throw, http-errors) that are the client's doing.
  const e = err as { status?: number; expose?: boolean; message?: string };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return problemForStatus(e.status, e.expose ? e.message : undefined);
  }
  return problemForStatus(500, 'An unexpected error occurred; it has been logged.');
}

/**
 * Outermost middleware: every error and every empty 4xx/5xx (unknown route, 405 from the router)
 * leaves as application/problem+json with the request id.
 */
export function problemResponses(): Middleware<AppState> {
  return async (ctx, next) => {
    let problem: ProblemError | undefined;
    try {
      await next();
      if (ctx.status >= 400 && ctx.body == null)
        problem = problemForStatus(ctx.status, ctx.status === 404 ? `No route for ${ctx.method} ${ctx.path}` : undefined);
    } catch (err) {
      problem = toProblem(err);
      if (problem.status >= 500) ctx.state.log?.error({ err }, 'request failed');
    }
    if (!problem) return;
    const body: ProblemBody = {
      type: problemType(problem.slug),
      title: problem.title,
      status: problem.status,
      ...(problem.detail ? { detail: problem.detail } : {}),
      instance: ctx.path,
      requestId: ctx.state.requestId,
      ...(problem.errors ? { errors: problem.errors } : {}),
    };
    ctx.status = problem.status;
    for (const [name, value] of Object.entries(problem.headers)) ctx.set(name, value);
    ctx.body = body;
    ctx.type = 'application/problem+json';
  };
}
