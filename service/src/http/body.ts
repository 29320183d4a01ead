import type { Middleware } from 'koa';
import getRawBody from 'raw-body';
import type { AppState } from './context';
import { ProblemError, fieldError } from './problem';

export const DEFAULT_BODY_LIMIT = 16 * 1024;

/**
 * Reads a JSON body into ctx.state.body: 415 for anything but JSON in UTF-8, 413 past the limit
 * (checked against Content-Length before reading, and while streaming), 400 for malformed JSON.
 * A request without a body leaves ctx.state.body undefined; the route's schema decides if that is fine.
 */
export function jsonBody(limitBytes = DEFAULT_BODY_LIMIT): Middleware<AppState> {
  return async (ctx, next) => {
    const declared = ctx.get('Content-Length');
    const chunked = ctx.get('Transfer-Encoding') !== '';
    if (!chunked && (declared === '' || declared === '0')) return next();
    if (!ctx.is('application/json', '+json')) {
      throw new ProblemError(415, 'unsupported-media-type', 'Unsupported media type', 'Send the body as application/json.', undefined, {
        'Accept-Post': 'application/json',
      });
    }
    const charset = ctx.request.charset;
    if (charset && charset.toLowerCase() !== 'utf-8') {
      throw new ProblemError(415, 'unsupported-media-type', 'Unsupported media type', 'JSON bodies must be UTF-8.');
    }
    let text: string;
    try {
      text = await getRawBody(ctx.req, { limit: limitBytes, length: declared || undefined, encoding: 'utf8' });
    } catch (err) {
      const type = (err as { type?: string }).type;
      if (type === 'entity.too.large') {
        throw new ProblemError(413, 'payload-too-large', 'Request body too large', `The body may be at most ${limitBytes} bytes.`);
      }
      throw new ProblemError(400, 'bad-request', 'Bad request', 'The request body could not be read.');
    }
    try {
      ctx.state.body = JSON.parse(text);
    } catch (err) {
      throw new ProblemError(400, 'malformed-json', 'Malformed JSON', (err as Error).message, [
        fieldError('body', [], `is not valid JSON: ${(err as Error).message}`),
      ]);
    }
    return next();
  };
}
