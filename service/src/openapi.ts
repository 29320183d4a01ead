import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import * as s from './schemas';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: s.Problem } } });
const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const auth = [{ bearer: [] }];
const authErrors = { 401: problem('Missing, invalid or expired access token'), 503: problem('The store is unavailable; retry after Retry-After') };
const orderIdParams = z.object({ orderId: s.OrderId });
/** What any route that reads a JSON body can answer before it looks at the fields. */
const bodyErrors = { 400: problem('Malformed JSON, or an invalid path parameter'), 413: problem('Body too large'), 415: problem('Not JSON') };

/** The OpenAPI 3.1 document, generated from the schemas that validate requests. */
export function openApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A Cognito access token (locally: `npm run --silent token -- alice`). Customers sign in at the customers’ pool; admin rights come only ' +
      'with a token of the admins’ pool, whose sign-in needs a TOTP code on stage and main.',
  });

  registry.registerPath({
    method: 'post',
    path: '/v1/orders',
    operationId: 'placeOrder',
    tags: ['Orders'],
    summary: 'Place an order',
    description: 'Accepts the order as PENDING; the processor confirms or rejects it asynchronously.',
    security: auth,
    request: {
      headers: z.object({
        'Idempotency-Key': z.string().optional().meta({ description: 'Same key and body returns the same order; another body is 422' }),
      }),
      body: { content: { 'application/json': { schema: s.CreateOrderRequest } } },
    },
    responses: {
      202: { ...json('Accepted (or replayed: Idempotent-Replayed: true)', s.Order), headers: { Location: { schema: { type: 'string' } } } },
      400: problem('Malformed JSON or header'),
      413: problem('Body too large'),
      415: problem('Not JSON'),
      409: problem('The customer has as many undecided orders as the stack allows: wait until one is decided, or cancel one'),
      422: problem('Invalid fields, unknown products, lines over the per-customer limits, or a reused Idempotency-Key'),
      429: {
        ...problem('The customer placed as many orders this minute as the stack allows'),
        headers: { 'Retry-After': { description: 'Seconds until the customer may order again', schema: { type: 'integer', minimum: 1 } } },
      },
      ...authErrors,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/orders',
    operationId: 'listOrders',
    tags: ['Orders'],
    summary: "List the caller's orders, newest first",
    security: auth,
    request: { query: s.ListOrdersQuery },
    responses: { 200: json('A page of orders', s.OrderList), 400: problem('Invalid limit or cursor'), ...authErrors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/orders/{orderId}',
    operationId: 'getOrder',
    tags: ['Orders'],
    summary: 'Get an order (its owner or an admin)',
    security: auth,
    request: { params: orderIdParams },
    responses: { 200: json('The order', s.Order), 400: problem('Invalid order id'), 404: problem('No such order visible to the caller'), ...authErrors },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/orders/{orderId}/cancel',
    operationId: 'cancelOrder',
    tags: ['Orders'],
    summary: 'Cancel a PENDING or CONFIRMED order',
    security: auth,
    request: { params: orderIdParams, body: { required: false, content: { 'application/json': { schema: s.CancelOrderRequest } } } },
    responses: {
      200: json('The cancelled order', s.Order),
      ...bodyErrors,
      404: problem('No such order visible to the caller'),
      409: problem('The order is REJECTED or already CANCELLED, or kept changing while being cancelled'),
      422: problem('Invalid reason, or a body that is not an object'),
      ...authErrors,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/products',
    operationId: 'listProducts',
    tags: ['Products'],
    summary: 'The catalog by SKU, a page at a time',
    description:
      'Each product with its availability; an admin also sees its stock. A task serves pages from its catalog cache, so a page may be a couple of seconds old; a change made through this task shows at once.',
    security: auth,
    request: { query: s.ListProductsQuery },
    responses: { 200: json('A page of products', s.ProductList), 400: problem('Invalid limit or cursor'), ...authErrors },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/products/{sku}',
    operationId: 'getProduct',
    tags: ['Products'],
    summary: 'One product, with its availability (and its stock, for admins)',
    security: auth,
    request: { params: z.object({ sku: s.Sku }) },
    responses: { 200: json('The product', s.Product), 404: problem('No such product'), ...authErrors },
  });
  registry.registerPath({
    method: 'put',
    path: '/v1/products/{sku}',
    operationId: 'putProduct',
    tags: ['Products'],
    summary: 'Create or replace a product (admins)',
    security: auth,
    request: { params: z.object({ sku: s.Sku }), body: { content: { 'application/json': { schema: s.PutProductRequest } } } },
    responses: {
      200: json('Replaced', s.Product),
      201: json('Created', s.Product),
      ...bodyErrors,
      403: problem('The token is not an admin’s: not from the admins’ pool, or not in its admins group'),
      422: problem('Invalid fields'),
      ...authErrors,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/health',
    operationId: 'getLiveness',
    tags: ['Health'],
    summary: 'Liveness (no auth): the task serves and is not draining. The load balancer checks this.',
    security: [],
    responses: { 200: json('Alive', s.Health), 503: problem('Draining: this task is shutting down') },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/health/ready',
    operationId: 'getReadiness',
    tags: ['Health'],
    summary: 'Readiness (no auth): liveness, and the order table answers with the task role',
    security: [],
    responses: {
      200: json('Ready', s.Readiness),
      503: {
        description: 'Store unreachable (a Readiness body), or the task is draining (a problem)',
        content: { 'application/json': { schema: s.Readiness }, 'application/problem+json': { schema: s.Problem } },
      },
    },
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Orders API',
      version: '1.0.0',
      description: 'Accept, read, list and cancel orders. Money is in minor units (cents). Errors are RFC 9457 problem+json.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'Orders', description: 'Place, read, list and cancel orders; the processor confirms or rejects them.' },
      { name: 'Products', description: 'The catalog that prices orders; admins maintain it.' },
      { name: 'Health', description: 'What the load balancer and operators check; no token needed.' },
    ],
  });
}
