import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ORDER_STATUSES, canTransition, isOpen, type Order, type OrderStatus } from '../../core/domain/order';
import { ENTITY } from '../../core/table';
import type { DeadLetter } from '../../local/poller/state';
import { scanTable } from './env';

export interface InvariantReport {
  orders: number;
  byStatus: Record<string, number>;
  violations: string[];
}

/**
 * The invariants every fault scenario must leave intact, checked over the whole table once processing drained:
 * - every accepted order is decided, unless its record is in the dead-letter store;
 * - stock is never negative, and initial stock = current stock + units held by orders that still reserve it;
 * - no order was confirmed twice; stock was only released from an order that had been confirmed and cancelled;
 * - stock is held only by an order confirmed once and still in CONFIRMED or a status reachable from it;
 * - a customer's open-order count (their quota item) is the number of their orders not yet rejected or cancelled.
 */
/** CONFIRMED and every status reachable from it, by the domain's own transitions (a new status follows). */
const HOLDS_STOCK: ReadonlySet<OrderStatus> = (() => {
  const reached = new Set<OrderStatus>(['CONFIRMED']);
  for (let grew = true; grew;) {
    const before = reached.size;
    for (const from of [...reached]) for (const to of ORDER_STATUSES) if (canTransition(from, to)) reached.add(to);
    grew = reached.size > before;
  }
  return reached;
})();

export async function checkInvariants(
  db: DynamoDBDocumentClient,
  tableName: string,
  initialStock: ReadonlyMap<string, number>,
  deadLetters: readonly DeadLetter[] = [],
): Promise<InvariantReport> {
  const items = await scanTable(db, tableName);
  const orders = items.filter((i) => i.entityType === ENTITY.order) as unknown as Order[];
  const products = items.filter((i) => i.entityType === ENTITY.product) as unknown as Array<{ sku: string; stock: number }>;
  const deadLettered = new Set(deadLetters.flatMap((l) => l.records.map((r) => r.dynamodb?.NewImage?.orderId?.S)));
  const violations: string[] = [];

  for (const order of orders) {
    if (order.status === 'PENDING' && !deadLettered.has(order.orderId)) violations.push(`order ${order.orderId} is still PENDING and not dead-lettered`);
    const confirmations = order.history.filter((h) => h.status === 'CONFIRMED').length;
    if (confirmations > 1) violations.push(`order ${order.orderId} was confirmed ${confirmations} times`);
    if (order.stockState === 'RELEASED' && (order.status !== 'CANCELLED' || confirmations !== 1))
      violations.push(`order ${order.orderId} released stock it never held`);
    if (order.stockState === 'RESERVED' && (!HOLDS_STOCK.has(order.status) || confirmations !== 1))
      violations.push(`order ${order.orderId} holds stock while ${order.status}`);
  }
  const quotas = items.filter((i) => i.entityType === ENTITY.quota) as Array<{ PK: string; openOrders: number }>;
  for (const quota of quotas) {
    const customerId = quota.PK.slice('CUSTOMER#'.length);
    const open = orders.filter((o) => o.customerId === customerId && o.countedAsOpen && isOpen(o.status)).length;
    if (quota.openOrders !== open) violations.push(`customer ${customerId} counts ${quota.openOrders} open orders, has ${open}`);
  }
  const held = new Map<string, number>();
  for (const order of orders.filter((o) => o.stockState === 'RESERVED')) {
    for (const item of order.items) held.set(item.sku, (held.get(item.sku) ?? 0) + item.quantity);
  }
  for (const product of products) {
    if (product.stock < 0) violations.push(`product ${product.sku} has negative stock ${product.stock}`);
    const initial = initialStock.get(product.sku);
    if (initial !== undefined && initial !== product.stock + (held.get(product.sku) ?? 0)) {
      violations.push(`product ${product.sku}: initial ${initial} ≠ current ${product.stock} + held ${held.get(product.sku) ?? 0}`);
    }
  }
  const byStatus: Record<string, number> = {};
  for (const order of orders) byStatus[order.status] = (byStatus[order.status] ?? 0) + 1;
  return { orders: orders.length, byStatus, violations };
}
