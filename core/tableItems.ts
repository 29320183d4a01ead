import { z } from 'zod';
import { ORDER_STATUSES, type Order } from './domain/order';
import type { Product } from './domain/product';
import { STOCK_STATES } from './domain/stock';
import { shapesAgree, type SameShape } from './sameShape';
import { ENTITY, catalogKey, customerOrdersKey, orderKey, productKey } from './table';

/**
 * What a stored order item (or a stream image of one) must hold to become an Order: parsed where it enters, so
 * a malformed item fails loudly here rather than somewhere downstream. Keys, the entity tag and the stored trace
 * context are not part of an Order and are dropped.
 */
const StoredOrder = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  items: z.array(z.object({ sku: z.string().min(1), quantity: z.int().positive(), unitPrice: z.int().nonnegative() })).min(1),
  total: z.int().nonnegative(),
  currency: z.string().length(3),
  status: z.enum(ORDER_STATUSES),
  // Items written before stock tracking have none: nothing was reserved for them.
  stockState: z.enum(STOCK_STATES).default('NONE'),
  // Orders placed before the per-customer limits were never counted, so closing them must not uncount them.
  countedAsOpen: z.boolean().default(false),
  version: z.int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
  history: z.array(z.object({ status: z.enum(ORDER_STATUSES), at: z.string(), reason: z.string().optional(), detail: z.string().optional() })),
});

const StoredProduct = z.object({
  sku: z.string().min(1),
  name: z.string(),
  price: z.int().nonnegative(),
  currency: z.string().length(3),
  stock: z.int(),
  updatedAt: z.string(),
});

// The stored shapes are the domain's, field for field: a field added to Order or Product must be stored too.
shapesAgree<SameShape<z.output<typeof StoredOrder>, Order>>();
shapesAgree<SameShape<z.output<typeof StoredProduct>, Product>>();

/** Order ↔ table item. Keys and the entity tag are storage concerns and never leave this module. */
export const orderToItem = (order: Order) => ({
  ...orderKey(order.orderId),
  ...customerOrdersKey(order.customerId, order.orderId),
  entityType: ENTITY.order,
  ...order,
});

export const itemToOrder = (item: Record<string, unknown>): Order => StoredOrder.parse(item);

export const productToItem = (product: Product) => ({
  ...productKey(product.sku),
  ...catalogKey(product.sku),
  entityType: ENTITY.product,
  ...product,
});

export const itemToProduct = (item: Record<string, unknown>): Product => StoredProduct.parse(item);
