import Router from '@koa/router';
import type { Middleware, ParameterizedContext } from 'koa';
import { z } from 'zod';
import { cancelOrder } from '../../../core/orders/cancelOrder';
import { placeOrder, type PlaceOrderResult } from '../../../core/orders/placeOrder';
import type { CustomerLimits } from '../../../core/domain/limits';
import type { OrderListing, OrderRepository, ProductCatalog } from '../../../core/orders/ports';
import { getOrder, listOrders } from '../../../core/orders/queries';
import { activeTraceId } from '../../../core/tracing/context';
import { callerOf } from '../auth/middleware';
import type { AppState } from '../http/context';
import { ProblemError, fieldError } from '../http/problem';
import { parse } from '../http/validate';
import { CancelOrderRequest, CreateOrderRequest, ListOrdersQuery, OrderId } from '../schemas';
import { decodeCursor, encodeCursor, orderView } from './views';

export interface OrderRouteDeps {
  orders: OrderRepository & OrderListing;
  catalog: ProductCatalog;
  clock: () => Date;
  /** Per-customer limits on placing orders (none when absent). */
  limits?: CustomerLimits;
  authenticate: Middleware<AppState>;
  readBody: Middleware<AppState>;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;
const PathParams = z.strictObject({ orderId: OrderId });

/** From here on, the request's log lines are about this order (and carry the trace id, if not yet bound). */
function logAbout(ctx: ParameterizedContext<AppState>, orderId: string): void {
  const traceId = ctx.state.log.bindings().traceId ? undefined : activeTraceId();
  ctx.state.log = ctx.state.log.child({ orderId, ...(traceId ? { traceId } : {}) });
}

/** The customer's open orders (409: cancel one or let one be decided) or their rate (429, until the minute ends). */
function limitedProblem(result: Extract<PlaceOrderResult, { kind: 'limited' }>): ProblemError {
  if (result.limit === 'open-orders') {
    return new ProblemError(
      409,
      'open-order-limit',
      'Too many open orders',
      `At most ${result.allowed} undecided orders per customer; wait until one is decided, or cancel one.`,
    );
  }
  const retryAfter = String(result.retryAfterSeconds ?? 60);
  return new ProblemError(429, 'order-rate-limit', 'Too many orders', `At most ${result.allowed} orders per minute per customer.`, undefined, {
    'Retry-After': retryAfter,
  });
}

const notFound = () => new ProblemError(404, 'order-not-found', 'Order not found', 'No order with this id is visible to you.');

/** The order routes: each parses what it is given, calls a use case (core/orders) and answers in HTTP terms. */
export function orderRoutes({ orders, catalog, clock, limits, authenticate, readBody }: OrderRouteDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/v1/orders' });
  const place = placeOrder({ orders, catalog, clock, ...(limits ? { limits } : {}) });
  const cancelIt = cancelOrder({ orders, clock });
  const getIt = getOrder({ orders });
  const list = listOrders({ orders });

  router.post('/', authenticate, readBody, async (ctx) => {
    const request = parse('body', CreateOrderRequest, ctx.state.body);
    const key = ctx.get('Idempotency-Key');
    if (key && !IDEMPOTENCY_KEY.test(key)) {
      throw new ProblemError(400, 'validation-error', 'The request headers are not valid', 'Idempotency-Key: 1–255 printable ASCII characters', [
        fieldError('header', ['Idempotency-Key'], 'must be 1–255 printable ASCII characters'),
      ]);
    }
    const caller = callerOf(ctx);
    const result = await place({
      customerId: caller.sub,
      customerGroups: caller.groups,
      lines: request.items,
      ...(key ? { idempotencyKey: key } : {}),
      onOrderId: (orderId) => logAbout(ctx, orderId),
    });
    switch (result.kind) {
      case 'unorderable': {
        const errors = result.problems.map((p) => fieldError('body', ['items', p.index, 'sku'], p.detail));
        throw new ProblemError(422, 'unorderable-items', 'Some items cannot be ordered', errors.map((e) => `${e.field}: ${e.detail}`).join('; '), errors);
      }
      case 'over-line-limits': {
        const errors = result.problems.map((p) => fieldError('body', p.index === undefined ? ['items'] : ['items', p.index, 'quantity'], p.detail));
        throw new ProblemError(422, 'order-limits', 'The order is over the customer limits', errors.map((e) => `${e.field}: ${e.detail}`).join('; '), errors);
      }
      case 'limited':
        throw limitedProblem(result);
      case 'key-reused':
        throw new ProblemError(
          422,
          'idempotency-key-reused',
          'Idempotency-Key reused',
          'This Idempotency-Key was already used with a different request body.',
          [fieldError('header', ['Idempotency-Key'], 'was already used with a different request body')],
        );
      case 'placed':
        // A replay answers with the order first placed: the log names that one.
        if (result.replayed) logAbout(ctx, result.order.orderId);
        ctx.status = 202;
        ctx.set('Location', `/v1/orders/${result.order.orderId}`);
        if (result.replayed) ctx.set('Idempotent-Replayed', 'true');
        ctx.body = orderView(result.order, caller);
    }
  });

  router.get('/', authenticate, async (ctx) => {
    const query = parse('query', ListOrdersQuery, ctx.query);
    const caller = callerOf(ctx);
    // The cursor is bound to the caller who got it (an HTTP concern): another caller's cursor is a client error.
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, caller.sub);
    const page = await list({ caller, limit: query.limit, ...(after !== undefined ? { afterOrderId: after } : {}) });
    ctx.body = {
      items: page.orders.map((order) => orderView(order, caller)),
      ...(page.lastOrderId ? { nextCursor: encodeCursor(page.lastOrderId, caller.sub) } : {}),
    };
  });

  router.get('/:orderId', authenticate, async (ctx) => {
    const { orderId } = parse('path', PathParams, ctx.params);
    const result = await getIt({ orderId, caller: callerOf(ctx) });
    if (result.kind === 'not-found') throw notFound();
    ctx.body = orderView(result.order, callerOf(ctx));
  });

  router.post('/:orderId/cancel', authenticate, readBody, async (ctx) => {
    const { orderId } = parse('path', PathParams, ctx.params);
    // No body means no reason; a body of `null` (or anything not an object) is a client error.
    const { reason } = parse('body', CancelOrderRequest, ctx.state.body === undefined ? {} : ctx.state.body);
    logAbout(ctx, orderId);
    const result = await cancelIt({ orderId, caller: callerOf(ctx), ...(reason !== undefined ? { reason } : {}) });
    switch (result.kind) {
      case 'not-found':
        throw notFound();
      case 'not-cancellable':
        throw new ProblemError(409, 'order-not-cancellable', 'Order cannot be cancelled', `The order is ${result.status}.`);
      case 'busy':
        throw new ProblemError(409, 'order-busy', 'Order is changing', 'The order kept changing while being cancelled; try again.');
      case 'cancelled':
        ctx.body = orderView(result.order, callerOf(ctx));
    }
  });

  return router;
}
