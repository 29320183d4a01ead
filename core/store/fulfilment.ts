import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { confirm, mustReleaseStock, reject, type Order, type OrderItem } from '../domain/order';
import { orderKey, productKey } from '../table';
import type { ReleaseOutcome, ReservationOutcome, StockReservations } from '../orders/ports';
import { VersionConflictError } from '../orders/errors';
import { cancellationReasons } from './errors';
import type { OrderStore } from './orders';

export type { ReleaseOutcome, ReservationOutcome } from '../orders/ports';

/** Thrown when DynamoDB cancelled a transaction for a reason worth retrying (a concurrent transaction, throttling). */
export class RetryableFulfilmentError extends Error {
  constructor(readonly codes: string[]) {
    super(`transaction cancelled (${codes.join(', ')}); retry`);
    this.name = 'RetryableFulfilmentError';
  }
}

/**
 * Stock moves, each one transaction with the order's own conditional write, so stock and order never disagree
 * and a redelivered stream record changes nothing the second time.
 */
export class Fulfilment implements StockReservations {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly orders: OrderStore,
  ) {}

  /** One product's part of a stock transaction; taking is only allowed while enough is left. */
  private stockUpdate(item: OrderItem, direction: 'take' | 'give back') {
    const take = direction === 'take';
    return {
      Update: {
        TableName: this.tableName,
        Key: productKey(item.sku),
        UpdateExpression: take ? 'SET stock = stock - :quantity' : 'SET stock = stock + :quantity',
        ConditionExpression: take ? 'attribute_exists(PK) AND stock >= :quantity' : 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':quantity': item.quantity },
        // On a shortfall, DynamoDB hands back the product so the rejection can say how many were left.
        ...(take ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
      },
    };
  }

  /** Takes every item's quantity from stock and confirms the order, or takes nothing and rejects it. */
  async reserveStock(order: Order, now: Date): Promise<ReservationOutcome> {
    const change = confirm(order, now);
    const orderWrite = { Update: this.orders.transitionUpdate(change) };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [...order.items.map((item) => this.stockUpdate(item, 'take')), orderWrite],
        }),
      );
      return { outcome: 'CONFIRMED', order: change.next };
    } catch (err) {
      const reasons = cancellationReasons(err);
      if (!reasons) throw err;
      const orderReason = reasons[order.items.length];
      if (orderReason?.Code === 'ConditionalCheckFailed') return { outcome: 'UNCHANGED' };
      const shortages = order.items.flatMap((item, i) => {
        const reason = reasons[i];
        if (reason?.Code !== 'ConditionalCheckFailed') return [];
        // Cancellation reasons come back as raw attribute values, even through the document client.
        const product = reason.Item ? unmarshall(reason.Item as Record<string, AttributeValue>) : undefined;
        return [product ? `${item.sku}: ${String(product.stock)} in stock, ${item.quantity} ordered` : `${item.sku}: unknown product`];
      });
      if (shortages.length === 0) throw new RetryableFulfilmentError(reasons.map((r) => r.Code ?? 'None'));
      return this.rejectOrder(order, now, `insufficient stock (${shortages.join('; ')})`);
    }
  }

  private async rejectOrder(order: Order, now: Date, reason: string): Promise<ReservationOutcome> {
    try {
      const rejected = await this.orders.apply(reject(order, now, reason));
      return { outcome: 'REJECTED', order: rejected, reason };
    } catch (err) {
      if (err instanceof VersionConflictError) return { outcome: 'UNCHANGED' };
      throw err;
    }
  }

  /** Gives a cancelled order's reserved stock back, exactly once (the order's stockState guards it). */
  async releaseStock(order: Order): Promise<ReleaseOutcome> {
    if (!mustReleaseStock(order)) return { outcome: 'UNCHANGED' };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...order.items.map((item) => this.stockUpdate(item, 'give back')),
            {
              Update: {
                TableName: this.tableName,
                Key: orderKey(order.orderId),
                UpdateExpression: 'SET stockState = :released, version = version + :one',
                ConditionExpression: '#status = :cancelled AND stockState = :reserved',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':released': 'RELEASED', ':reserved': 'RESERVED', ':cancelled': 'CANCELLED', ':one': 1 },
              },
            },
          ],
        }),
      );
      return { outcome: 'RELEASED' };
    } catch (err) {
      const reasons = cancellationReasons(err);
      if (!reasons) throw err;
      if (reasons[order.items.length]?.Code === 'ConditionalCheckFailed') return { outcome: 'UNCHANGED' };
      throw new RetryableFulfilmentError(reasons.map((r) => r.Code ?? 'None'));
    }
  }
}
