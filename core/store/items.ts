import type { Order } from '../domain/order';
import type { Product } from '../domain/product';
import { ENTITY, catalogKey, customerOrdersKey, orderKey, productKey } from '../table';

/** Order ↔ table item. Keys and the entity tag are storage concerns and never leave this module. */
export const orderToItem = (order: Order) => ({
  ...orderKey(order.orderId),
  ...customerOrdersKey(order.customerId, order.orderId),
  entityType: ENTITY.order,
  ...order,
});

export function itemToOrder(item: Record<string, unknown>): Order {
  return {
    orderId: item.orderId as string,
    customerId: item.customerId as string,
    items: item.items as Order['items'],
    total: item.total as number,
    currency: item.currency as string,
    status: item.status as Order['status'],
    stockState: (item.stockState as Order['stockState']) ?? 'NONE',
    version: item.version as number,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
    history: item.history as Order['history'],
  };
}

export const productToItem = (product: Product) => ({
  ...productKey(product.sku),
  ...catalogKey(product.sku),
  entityType: ENTITY.product,
  ...product,
});

export const itemToProduct = (item: Record<string, unknown>): Product => ({
  sku: item.sku as string,
  name: item.name as string,
  price: item.price as number,
  currency: item.currency as string,
  stock: item.stock as number,
  updatedAt: item.updatedAt as string,
});
