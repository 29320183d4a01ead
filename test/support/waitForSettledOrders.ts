import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENTITY } from '../../core/table';
import { scanTable } from './env';
import { eventually } from './pipeline';

/**
 * Waits until the processor has no work left in `tableName`: no order still PENDING, no cancelled order still
 * holding its stock. Until then stock and orders keep changing under a test that compares the table before and
 * after a step (an earlier load run's last orders are still being decided).
 */
export async function waitForSettledOrders(db: DynamoDBDocumentClient, tableName: string, timeoutMs = 60_000): Promise<void> {
  await eventually(
    async () => {
      const orders = (await scanTable(db, tableName)).filter((item) => item.entityType === ENTITY.order);
      return orders.every((order) => order.status !== 'PENDING' && !(order.status === 'CANCELLED' && order.stockState === 'RESERVED'));
    },
    timeoutMs,
    `every order in ${tableName} decided`,
    250,
  );
}
