import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Koa from 'koa';
import pino from 'pino';
import { z } from 'zod';
import { jsonBody } from '../../service/src/http/body';
import type { AppState } from '../../service/src/http/context';
import { problemResponses } from '../../service/src/http/errors';
import { validationProblem } from '../../service/src/http/problem';
import { requestContext } from '../../service/src/http/requestContext';

/**
 * The API's HTTP layer on its own, over real HTTP: the request context, the problem responses and the JSON body
 * reader, in the order the app stacks them (service/src/app.ts), in front of a handler that fails as asked. The
 * API suites (test/api) reach the same code through the whole app; this file is what the mutation run measures
 * it by (found missing by mutation testing: those suites are left out of it for time).
 */
const logged: Array<Record<string, unknown>> = [];
let server: Server;
let base: string;

beforeAll(async () => {
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) });
  const app = new Koa<AppState>();
  app.use(requestContext(logger));
  app.use(problemResponses());
  app.use(jsonBody(64));
  app.use(async (ctx) => {
    const fail = ctx.query.fail;
    if (fail === 'bug') throw new Error('a bug');
    if (fail === 'koa-exposed') ctx.throw(409, 'told the client');
    if (fail === 'koa-hidden') throw Object.assign(new Error('internal detail'), { status: 418, expose: false });
    if (fail === 'koa-server') throw Object.assign(new Error('upstream'), { status: 502, expose: true });
    if (fail === 'empty-403') return void (ctx.status = 403);
    if (fail === 'path' || fail === 'query') {
      const parsed = z.object({ id: z.string().length(3) }).safeParse({ id: 'x' });
      throw validationProblem(fail, parsed.error!);
    }
    if (ctx.path !== '/echo') return; // nothing here: 404
    ctx.body = { got: ctx.state.body ?? null };
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => logged.splice(0));

const send = async (path: string, init: RequestInit = {}) => {
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
};
const post = (body: string, contentType = 'application/json') => send('/echo', { method: 'POST', headers: { 'Content-Type': contentType }, body });

describe('problem responses', () => {
  it('answer an unexpected error with a 500 that hides it, and log it with the request id', async () => {
    const res = await send('/x?fail=bug', { headers: { 'X-Request-Id': 'req-42' } });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toEqual({
      type: expect.stringMatching(/internal-error$/),
      title: 'Internal error',
      status: 500,
      detail: 'An unexpected error occurred; it has been logged.',
      instance: '/x',
      requestId: 'req-42',
    });
    expect(logged.find((line) => line.msg === 'request failed')).toMatchObject({ requestId: 'req-42', err: expect.objectContaining({ message: 'a bug' }) });
  });

  it('pass a client error thrown through Koa on, with its message only when it may be shown', async () => {
    expect((await send('/x?fail=koa-exposed')).body).toMatchObject({ status: 409, title: 'Conflict', detail: 'told the client' });
    const hidden = await send('/x?fail=koa-hidden');
    expect(hidden.status).toBe(418);
    expect(hidden.body).toMatchObject({ title: 'Error', status: 418 });
    expect(hidden.body).not.toHaveProperty('detail');
    expect(logged.filter((line) => line.msg === 'request failed')).toEqual([]);
    // A 5xx thrown with a status is still ours: a 500 that says nothing of it.
    expect((await send('/x?fail=koa-server')).body).toMatchObject({ status: 500, detail: 'An unexpected error occurred; it has been logged.' });
  });

  it('fill an empty error response: a 404 names what was asked, any other says nothing more', async () => {
    expect((await send('/nowhere')).body).toMatchObject({ status: 404, title: 'Not found', detail: 'No route for GET /nowhere', instance: '/nowhere' });
    const forbidden = await send('/x?fail=empty-403');
    expect(forbidden.body).toMatchObject({ status: 403, title: 'Forbidden' });
    expect(forbidden.body).not.toHaveProperty('detail');
  });

  it('name a bad path or query parameter where it was given, with a 400', async () => {
    for (const where of ['path', 'query'] as const) {
      const res = await send(`/x?fail=${where}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        title: `The request ${where} is not valid`,
        detail: expect.stringMatching(new RegExp(`^${where}\\.id: `)),
        errors: [expect.objectContaining({ field: `${where}.id`, pointer: `${where}#/id` })],
      });
    }
  });
});

describe('the JSON body', () => {
  it('is read when it is JSON in UTF-8', async () => {
    expect((await post('{"a":1}')).body).toEqual({ got: { a: 1 } });
    expect((await post('{"a":1}', 'application/json; charset=UTF-8')).body).toEqual({ got: { a: 1 } });
    expect((await post('{"a":1}', 'application/merge-patch+json')).body).toEqual({ got: { a: 1 } });
  });

  it('is refused with a 415 in another media type, saying what to send, or in another charset', async () => {
    const text = await post('a=1', 'text/plain');
    expect(text.status).toBe(415);
    expect(text.headers.get('accept-post')).toBe('application/json');
    expect(text.body).toMatchObject({ title: 'Unsupported media type', detail: 'Send the body as application/json.' });
    const latin = await post('{"a":1}', 'application/json; charset=iso-8859-1');
    expect(latin.body).toMatchObject({ status: 415, detail: 'JSON bodies must be UTF-8.' });
  });

  it('is refused with a 413 past the limit', async () => {
    const res = await post(JSON.stringify({ a: 'x'.repeat(100) }));
    expect(res.body).toMatchObject({ status: 413, title: 'Request body too large', detail: 'The body may be at most 64 bytes.' });
  });
});
