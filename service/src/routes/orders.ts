import Router from '@koa/router';
import { cancel, canTransition, isVisibleTo, newOrder } from '../../../core/domain/order';
import { priceLines } from '../../../core/domain/pricing';
import { newOrderId } from '../../../core/ids';
import { IdempotencyMismatchError, VersionConflictError } from '../../../core/store/errors';
import { hashOf, type OrderStore } from '../../../core/store/orders';
import { SCOPE, activeTraceId, currentTraceCarrier, inSpan } from '../../../core/tracing/context';
import type { CatalogCache } from '../catalogCache';
import type { AppState } from '../http/context';
import { ProblemError, fieldError } from '../http/problem';
import { parse } from '../http/validate';
import { CancelOrderRequest, CreateOrderRequest, ListOrdersQuery, OrderId } from '../schemas';
import { decodeCursor, encodeCursor, orderView } from './views';
import type { Middleware, ParameterizedContext } from 'koa';
import { z } from 'zod';

export interface OrderRouteDeps {
  orders: OrderStore;
  catalog: CatalogCache;
  clock: () => Date;
  authenticate: Middleware<AppState>;
  readBody: Middleware<AppState>;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;
const CANCEL_ATTEMPTS = 5;
const PathParams = z.strictObject({ orderId: OrderId });

/** From here on, the request's log lines are about this order (and carry the trace id, if not yet bound). */
function logAbout(ctx: ParameterizedContext<AppState>, orderId: string): void {
  const traceId = ctx.state.log.bindings().traceId ? undefined : activeTraceId();
  ctx.state.log = ctx.state.log.child({ orderId, ...(traceId ? { traceId } : {}) });
}

const notFound = () => new ProblemError(404, 'order-not-found', 'Order not found', 'No order with this id is visible to you.');

export function orderRoutes({ orders, catalog, clock, authenticate, readBody }: OrderRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/v1/orders' });

  router.post('/', authenticate, readBody, async (ctx) => {
    const request = parse('body', CreateOrderRequest, ctx.state.body);
    const key = ctx.get('Idempotency-Key');
    if (key && !IDEMPOTENCY_KEY.test(key)) {
      throw new ProblemError(400, 'validation-error', 'The request headers are not valid', 'Idempotency-Key: 1–255 printable ASCII characters', [
        fieldError('header', ['Idempotency-Key'], 'must be 1–255 printable ASCII characters'),
      ]);
    }
    const prices = await catalog.getMany(request.items.map((line) => line.sku));
    const priced = priceLines(request.items, prices);
    if (!priced.ok) {
      const errors = priced.problems.map((p) => fieldError('body', ['items', p.index, 'sku'], p.detail));
      throw new ProblemError(422, 'unorderable-items', 'Some items cannot be ordered', errors.map((e) => `${e.field}: ${e.detail}`).join('; '), errors);
    }
    const caller = ctx.state.caller!;
    const claim = key ? { key, requestHash: hashOf(JSON.stringify(request)) } : undefined;
    try {
      // The processor's spans for this order hang under this one: its context is stored with the order.
      const created = await inSpan(SCOPE.api, 'orders.place', {}, (span) => {
        const now = clock();
        const order = newOrder({ orderId: newOrderId(now), customerId: caller.sub, items: priced.items, currency: priced.currency, now });
        span.setAttribute('order.id', order.orderId);
        logAbout(ctx, order.orderId);
        return orders.create(order, claim, currentTraceCarrier());
      });
      ctx.status = 202;
      ctx.set('Location', `/v1/orders/${created.order.orderId}`);
      if (created.replayed) ctx.set('Idempotent-Replayed', 'true');
      ctx.body = orderView(created.order);
    } catch (err) {
      if (err instanceof IdempotencyMismatchError) {
        throw new ProblemError(
          422,
          'idempotency-key-reused',
          'Idempotency-Key reused',
          'This Idempotency-Key was already used with a different request body.',
          [fieldError('header', ['Idempotency-Key'], 'was already used with a different request body')],
        );
      }
      throw err;
    }
  });

  router.get('/', authenticate, async (ctx) => {
    const query = parse('query', ListOrdersQuery, ctx.query);
    const caller = ctx.state.caller!.sub;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, caller);
    const page = await orders.listByCustomer(caller, query.limit, after);
    ctx.body = {
      items: page.orders.map(orderView),
      ...(page.lastOrderId ? { nextCursor: encodeCursor(page.lastOrderId, caller) } : {}),
    };
  });

  router.get('/:orderId', authenticate, async (ctx) => {
    const { orderId } = parse('path', PathParams, ctx.params);
    const order = await orders.get(orderId);
    if (!order || !isVisibleTo(order, ctx.state.caller!)) throw notFound();
    ctx.body = orderView(order);
  });

  router.post('/:orderId/cancel', authenticate, readBody, async (ctx) => {
    const { orderId } = parse('path', PathParams, ctx.params);
    // No body means no reason; a body of `null` (or anything not an object) is a client error.
    const { reason } = parse('body', CancelOrderRequest, ctx.state.body === undefined ? {} : ctx.state.body);
    logAbout(ctx, orderId);
    // Read, decide, write conditionally; if someone else wrote in between (the processor confirming,
    // another cancel), read again and decide again.
    for (let attempt = 0; attempt < CANCEL_ATTEMPTS; attempt++) {
      const order = await orders.get(orderId);
      if (!order || !isVisibleTo(order, ctx.state.caller!)) throw notFound();
      if (!canTransition(order.status, 'CANCELLED')) {
        throw new ProblemError(409, 'order-not-cancellable', 'Order cannot be cancelled', `The order is ${order.status}.`);
      }
      try {
        const change = cancel(order, clock(), reason);
        // As on create: the release of a confirmed order's stock continues this request's trace.
        ctx.body = orderView(
          await inSpan(SCOPE.api, 'orders.cancel', { attributes: { 'order.id': orderId } }, () => orders.apply(change, currentTraceCarrier())),
        );
        return;
      } catch (err) {
        if (!(err instanceof VersionConflictError)) throw err;
      }
    }
    throw new ProblemError(409, 'order-busy', 'Order is changing', 'The order kept changing while being cancelled; try again.');
  });

  return router;
}
