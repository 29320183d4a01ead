import type { OrderQuota } from '../orders/ports';
import { OrderLimitError } from '../orders/errors';
import { ENTITY, customerQuotaKey, orderRateKey } from '../table';
import type { CancellationReason } from '../dynamoErrors';

/**
 * A customer's open orders and per-minute rate, kept in the table so every API task sees the same count: the
 * writes here ride in the same transaction as the order they count, so the count never disagrees with the orders.
 */
export function quotaWrites(tableName: string, customerId: string, now: Date, quota?: OrderQuota) {
  if (!quota) return { items: [], limitHit: () => undefined };
  const minute = Math.floor(now.getTime() / 60_000);
  const open = {
    Update: {
      TableName: tableName,
      Key: customerQuotaKey(customerId),
      UpdateExpression: 'SET entityType = :entity ADD openOrders :one',
      ConditionExpression: 'attribute_not_exists(openOrders) OR openOrders < :max',
      ExpressionAttributeValues: { ':entity': ENTITY.quota, ':one': 1, ':max': quota.openOrders },
    },
  };
  const rate = {
    Update: {
      TableName: tableName,
      Key: orderRateKey(customerId, minute),
      // Gone through TTL a minute after its window closed.
      UpdateExpression: 'SET entityType = :entity, expiresAt = :expires ADD placed :one',
      ConditionExpression: 'attribute_not_exists(placed) OR placed < :max',
      ExpressionAttributeValues: { ':entity': ENTITY.rateWindow, ':expires': (minute + 2) * 60, ':one': 1, ':max': quota.ordersPerMinute },
    },
  };
  return {
    items: [open, rate],
    /** The limit a cancelled transaction hit, from its reasons for these writes (at `offset` onwards). */
    limitHit(reasons: readonly CancellationReason[], offset: number): OrderLimitError | undefined {
      if (reasons[offset]?.Code === 'ConditionalCheckFailed') return new OrderLimitError('open-orders', quota.openOrders);
      if (reasons[offset + 1]?.Code === 'ConditionalCheckFailed') {
        return new OrderLimitError('orders-per-minute', quota.ordersPerMinute, Math.max(1, (minute + 1) * 60 - Math.floor(now.getTime() / 1000)));
      }
      return undefined;
    },
  };
}

/** A counted order decided (confirmed, rejected, cancelled) leaves its customer's open orders, in the same write. */
export const openOrderClosed = (tableName: string, customerId: string) => ({
  Update: {
    TableName: tableName,
    Key: customerQuotaKey(customerId),
    UpdateExpression: 'ADD openOrders :minusOne',
    ExpressionAttributeValues: { ':minusOne': -1 },
  },
});
