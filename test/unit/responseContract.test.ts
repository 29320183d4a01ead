import Router from '@koa/router';
import Koa from 'koa';
import supertest from 'supertest';
import { responseContract } from '../support/responseContract';

/** The check every API test runs on its responses: it must catch an undeclared status and a body off its schema. */
it('reports an undeclared status and a body that does not match its declared schema', async () => {
  const contract = responseContract();
  const router = new Router({ prefix: '/v1/orders' });
  router.get('/:orderId', (ctx) => {
    if (ctx.params.orderId === 'teapot') ctx.status = 418;
    else ctx.body = { orderId: ctx.params.orderId, total: 'a lot' };
  });
  const app = new Koa();
  app.use(contract.middleware);
  app.use(router.routes());
  const http = supertest(app.callback());
  await http.get('/v1/orders/teapot');
  await http.get('/v1/orders/01JDLQTEST0000000000000000');
  await http.get('/v1/unknown'); // not an operation of the document: not the contract's business
  expect(contract.checked.responses).toBe(2);
  expect(contract.violations).toEqual([
    'GET /v1/orders/{orderId} → 418: status not declared',
    expect.stringMatching(/^GET \/v1\/orders\/\{orderId\} → 200: body does not match: .*must have required property 'customerId'.*total must be integer/),
  ]);
});
