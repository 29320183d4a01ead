import { JwtExpiredError } from 'aws-jwt-verify/error';
import type { Middleware } from 'koa';
import type { AppState } from '../http/context';
import { ProblemError } from '../http/problem';
import type { AccessTokenVerifier, Caller } from './verifier';

const challenge = (error?: string, description?: string) =>
  error ? `Bearer realm="orders", error="${error}", error_description="${description}"` : 'Bearer realm="orders"';

function unauthorized(detail: string, error?: string) {
  return new ProblemError(401, 'unauthorized', 'Authentication required', detail, undefined, {
    'WWW-Authenticate': challenge(error, detail),
  });
}

/** Requires a valid Cognito access token (RFC 6750): 401 with WWW-Authenticate when missing or not valid. */
export function requireAuth(verifier: AccessTokenVerifier): Middleware<AppState> {
  return async (ctx, next) => {
    const header = ctx.get('Authorization');
    if (!header) throw unauthorized('Send an access token: Authorization: Bearer <token>.');
    const token = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+)$/.exec(header)?.[1];
    if (!token) throw unauthorized('The Authorization header is not a Bearer JWT.', 'invalid_request');
    try {
      ctx.state.caller = await verifier.verify(token);
    } catch (err) {
      // By class: aws-jwt-verify's errors keep Error's name, so a check by name never saw an expiry.
      const expired = err instanceof JwtExpiredError;
      throw unauthorized(expired ? 'The access token has expired.' : 'The access token is not valid.', 'invalid_token');
    }
    return next();
  };
}

const ADMIN_ONLY = "This operation needs an admin's sign-in: a token from the admins' user pool, in its admins group.";

/** Admin routes: the caller's token came from the admins' pool (MFA on stage and main) and names the admins group. */
export function requireAdmin(): Middleware<AppState> {
  return async (ctx, next) => {
    if (!ctx.state.caller?.isAdmin) {
      throw new ProblemError(403, 'forbidden', 'Forbidden', ADMIN_ONLY, undefined, {
        'WWW-Authenticate': challenge('insufficient_scope', ADMIN_ONLY),
      });
    }
    return next();
  };
}

/** The signed-in caller, on a route behind `requireAuth` (which sets it or answers 401 first). */
export function callerOf(ctx: { state: AppState }): Caller {
  const caller = ctx.state.caller;
  if (!caller) throw unauthorized('Send an access token: Authorization: Bearer <token>.');
  return caller;
}
