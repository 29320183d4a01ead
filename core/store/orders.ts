import { hashOf } from '../hash';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isOpen, type Order, type Transition } from '../domain/order';
import { LIST_INDEX, ENTITY, customerOrdersKey, idempotencyRecordKey, orderKey } from '../table';
import { IdempotencyMismatchError, VersionConflictError, WriteContentionError, type CreatedOrder } from '../orders/errors';
import type { IdempotencyClaim, OrderPage, OrderQuota } from '../orders/ports';
import { openOrderClosed, quotaWrites } from './customerQuota';
import { cancellationReasons, isConditionFailed, throwIfContended } from '../dynamoErrors';
import { itemToOrder, orderToItem } from '../tableItems';
import type { TraceCarrier } from '../tracing/context';

/** How long an Idempotency-Key is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * Every write here is conditional: an order is created only if its id is new, and a status change only if
 * the order is still in a status the transition allows, at the version it was read.
 */
export class OrderStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /**
   * `trace`: the trace context of the request creating the order. It is stored on the item (internal: items are
   * read back through `itemToOrder`, which leaves it out) so the processor can continue that trace. The order,
   * its Idempotency-Key claim and its count among the customer's open orders land together or not at all.
   */
  async create(order: Order, idempotency?: IdempotencyClaim, trace?: TraceCarrier, quota?: OrderQuota): Promise<CreatedOrder> {
    const put = {
      TableName: this.tableName,
      Item: { ...orderToItem(order), ...(trace ? { trace } : {}) },
      ConditionExpression: 'attribute_not_exists(PK)',
    };
    const createdAt = new Date(order.createdAt);
    const claim = idempotency ? [{ Put: this.claimItem(order, idempotency, createdAt) }] : [];
    const counted = quotaWrites(this.tableName, order.customerId, createdAt, quota);
    try {
      const items = [...claim, { Put: put }, ...counted.items];
      if (items.length === 1) await this.db.send(new PutCommand(put));
      else await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return { order, replayed: false };
    } catch (err) {
      // Other writes held its items (one customer's concurrent orders, a request racing its own retry): try again.
      throwIfContended(err);
      const reasons = cancellationReasons(err);
      if (!reasons) throw err;
      // A key already claimed replays its order, whatever else the transaction ran into.
      if (idempotency && reasons[0]?.Code === 'ConditionalCheckFailed') return this.replay(order.customerId, idempotency, err);
      // The same key still being written by another request: retry (then replay), before any limit is judged.
      if (idempotency && reasons[0]?.Code === 'TransactionConflict') throw new WriteContentionError(reasons.map((r) => r.Code ?? 'None'));
      throw counted.limitHit(reasons, claim.length + 1) ?? err;
    }
  }

  private claimItem(order: Order, idempotency: IdempotencyClaim, createdAt: Date) {
    const nowSeconds = Math.floor(createdAt.getTime() / 1000);
    return {
      TableName: this.tableName,
      Item: {
        ...idempotencyRecordKey(order.customerId, hashOf(idempotency.key)),
        entityType: ENTITY.idempotency,
        orderId: order.orderId,
        requestHash: idempotency.requestHash,
        expiresAt: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
      },
      // TTL deletes lazily: an expired record is treated as absent.
      ConditionExpression: 'attribute_not_exists(PK) OR expiresAt < :now',
      ExpressionAttributeValues: { ':now': nowSeconds },
    };
  }

  /** The order an earlier request with this key created, or the reason it cannot be replayed. */
  private async replay(customerId: string, idempotency: IdempotencyClaim, err: unknown): Promise<CreatedOrder> {
    const recordKey = idempotencyRecordKey(customerId, hashOf(idempotency.key));
    const claimed = await this.db.send(new GetCommand({ TableName: this.tableName, Key: recordKey, ConsistentRead: true }));
    const record = claimed.Item as { orderId: string; requestHash: string } | undefined;
    if (!record) throw err; // expired and deleted in between: let the client retry
    if (record.requestHash !== idempotency.requestHash) throw new IdempotencyMismatchError(record.orderId);
    const original = await this.get(record.orderId);
    if (!original) throw err;
    return { order: original, replayed: true };
  }

  async get(orderId: string): Promise<Order | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: orderKey(orderId), ConsistentRead: true }));
    return result.Item ? itemToOrder(result.Item) : undefined;
  }

  /** A customer's orders, newest first: one Query on the customer index. */
  async listByCustomer(customerId: string, limit: number, afterOrderId?: string): Promise<OrderPage> {
    const keys = customerOrdersKey(customerId, '');
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: LIST_INDEX,
        KeyConditionExpression: 'GSI1PK = :customer AND begins_with(GSI1SK, :prefix)',
        ExpressionAttributeValues: { ':customer': keys.GSI1PK, ':prefix': keys.GSI1SK },
        ScanIndexForward: false,
        Limit: limit,
        // The cursor carries only an order id; the rest of the start key is rebuilt for *this* customer,
        // so a cursor naming someone else's order cannot move the query into their partition.
        ExclusiveStartKey: afterOrderId ? { ...orderKey(afterOrderId), ...customerOrdersKey(customerId, afterOrderId) } : undefined,
      }),
    );
    const orders = (result.Items ?? []).map(itemToOrder);
    const last = result.LastEvaluatedKey ? orders[orders.length - 1] : undefined;
    return last ? { orders, lastOrderId: last.orderId } : { orders };
  }

  /**
   * Applies a status change if, and only if, the order is still where the transition found it. `trace`: the
   * context of the request making the change, stored for the processor as on create.
   */
  async apply(change: Transition, trace?: TraceCarrier): Promise<Order> {
    const update = this.transitionUpdate(change);
    const traced = trace
      ? {
          ...update,
          UpdateExpression: `${update.UpdateExpression}, #trace = :trace`,
          ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#trace': 'trace' },
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':trace': trace },
        }
      : update;
    try {
      const closing = this.closingWrites(change);
      if (closing.length > 0) {
        await this.db.send(new TransactWriteCommand({ TransactItems: [{ Update: traced }, ...closing] }));
      } else {
        await this.db.send(new UpdateCommand(traced));
      }
      return change.next;
    } catch (err) {
      if (isConditionFailed(err) || cancellationReasons(err)?.[0]?.Code === 'ConditionalCheckFailed') throw new VersionConflictError(change.orderId);
      // A closing write leaves the customer's count item, which the customer's other orders write too.
      throwIfContended(err);
      throw err;
    }
  }

  /** A counted order being decided leaves its customer's open orders: the write to add to the change's own. */
  closingWrites(change: Transition) {
    const decided = change.next.countedAsOpen && isOpen(change.from) && !isOpen(change.next.status);
    return decided ? [openOrderClosed(this.tableName, change.next.customerId)] : [];
  }

  /** The conditional update for a change (its `requires`, at its version); also used in the stock transactions. */
  transitionUpdate(change: Transition) {
    const { next, requires } = change;
    const statuses = requires.status.map((s, i) => [`:from${i}`, s] as const);
    const stockStates = (requires.stockState ?? []).map((s, i) => [`:stockFrom${i}`, s] as const);
    const names = (values: ReadonlyArray<readonly [string, string]>) => values.map(([name]) => name).join(', ');
    const conditions = [`version = :expected`, `#status IN (${names(statuses)})`];
    if (stockStates.length > 0) {
      // Items written before stock tracking have no stockState, which the domain reads as NONE.
      const none = requires.stockState?.includes('NONE') ? 'attribute_not_exists(stockState) OR ' : '';
      conditions.push(`(${none}stockState IN (${names(stockStates)}))`);
    }
    return {
      TableName: this.tableName,
      Key: orderKey(change.orderId),
      UpdateExpression: 'SET #status = :status, stockState = :stockState, version = :version, updatedAt = :updatedAt, history = :history',
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': next.status,
        ':stockState': next.stockState,
        ':version': next.version,
        ':updatedAt': next.updatedAt,
        ':history': next.history,
        ':expected': change.expectedVersion,
        ...Object.fromEntries([...statuses, ...stockStates]),
      },
    };
  }
}
