import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { OrderItem, Transition } from '../domain/order';
import type { Shortage } from '../domain/stock';
import { StockContentionError } from '../orders/errors';
import type { StockLedger, StockTake } from '../orders/ports';
import { productKey } from '../table';
import { cancellationReasons, type CancellationReason } from '../dynamoErrors';
import type { OrderStore } from './orders';

/**
 * Stock in the table: each move is one transaction of the products' updates and the order's own conditional
 * write (the transition the use case built), so stock and order never disagree and a redelivered stream record
 * changes nothing the second time.
 */
export class DynamoStockLedger implements StockLedger {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly orders: OrderStore,
  ) {}

  async take(confirmation: Transition): Promise<StockTake> {
    const { items } = confirmation.next;
    const reasons = await this.transact(items, 'take', confirmation);
    if (!reasons) return { kind: 'taken' };
    if (reasons[items.length]?.Code === 'ConditionalCheckFailed') return { kind: 'stale' };
    const shortages = items.flatMap((item, i) => shortageOf(item, reasons[i]));
    if (shortages.length === 0) throw new StockContentionError(reasons.map((r) => r.Code ?? 'None'));
    return { kind: 'short', shortages };
  }

  async giveBack(release: Transition): Promise<'given-back' | 'stale'> {
    const { items } = release.next;
    const reasons = await this.transact(items, 'give back', release);
    if (!reasons) return 'given-back';
    if (reasons[items.length]?.Code === 'ConditionalCheckFailed') return 'stale';
    throw new StockContentionError(reasons.map((r) => r.Code ?? 'None'));
  }

  /** Runs one stock move with the order's write last; the per-item reasons when DynamoDB cancelled it. */
  private async transact(items: readonly OrderItem[], direction: 'take' | 'give back', change: Transition) {
    try {
      await this.db.send(
        new TransactWriteCommand({
          // The order's write last but its decision's effect on the open count: reasons index the order at items.length.
          TransactItems: [
            ...items.map((item) => this.stockUpdate(item, direction)),
            { Update: this.orders.transitionUpdate(change) },
            ...this.orders.closingWrites(change),
          ],
        }),
      );
      return undefined;
    } catch (err) {
      const reasons = cancellationReasons(err);
      if (!reasons) throw err;
      return reasons;
    }
  }

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
}

/** A line whose stock update failed its condition: the product is missing or has too little. */
function shortageOf(item: OrderItem, reason: CancellationReason | undefined): Shortage[] {
  if (reason?.Code !== 'ConditionalCheckFailed') return [];
  // Cancellation reasons come back as raw attribute values, even through the document client.
  const product = reason.Item ? unmarshall(reason.Item as Record<string, AttributeValue>) : undefined;
  return [product ? { sku: item.sku, ordered: item.quantity, inStock: Number(product.stock) } : { sku: item.sku, ordered: item.quantity }];
}
