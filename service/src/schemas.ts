import { z } from 'zod';
import { ORDER_STATUSES, type Order as DomainOrder } from '../../core/domain/order';
import { AVAILABILITY_LEVELS, LOW_STOCK_THRESHOLD, type ProductView } from '../../core/domain/product';
import { isOrderId } from '../../core/ids';
import { shapesAgree, type SameShape } from '../../core/sameShape';

/**
 * The API's schemas: the same objects validate requests and generate the OpenAPI document (openapi.ts),
 * so the published contract cannot drift from what the service enforces.
 */
export const MAX_ITEMS_PER_ORDER = 50; // a reservation is one transaction: items + the order ≤ 100 writes
export const MAX_QUANTITY = 1000;

const codePoint = (char: string) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Printable text: no control characters (they end up in logs and UIs), and no invisible format characters
 * (Unicode Cf): a bidi override such as U+202E shows a reader text in another order than it is stored, a
 * zero-width character such as U+200B makes two names look alike, a BOM hides at either end. Emoji joined
 * with U+200D are refused with them.
 */
const printable = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !/[\p{Cc}\p{Cs}]/u.test(s), 'must not contain control characters')
    .superRefine((s, ctx) => {
      const found = /\p{Cf}/u.exec(s);
      if (found)
        ctx.addIssue({
          code: 'custom',
          message: `must not contain invisible format characters such as bidi overrides or zero-width spaces (found ${codePoint(found[0])})`,
        });
    });

export const Sku = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9-]{0,31}$/, 'must be 1–32 characters of A–Z, 0–9 and -')
  .meta({ description: 'Product code', example: 'KB-001' });

export const OrderId = z
  .string()
  .refine(isOrderId, 'must be an order id (a 26-character ULID)')
  .meta({ description: 'Order id (ULID, sortable by creation time)', example: '01JD3Z8J6W9X4T4B2M8Q5R7N1C' });

const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
  .meta({ example: 'EUR' });
const MinorUnits = z.number().int().min(0).max(1_000_000_000).meta({ description: 'Amount in minor units (cents)' });

export const OrderLineRequest = z
  .strictObject({
    sku: Sku,
    quantity: z.number().int().min(1).max(MAX_QUANTITY).meta({ example: 2 }),
  })
  .meta({ id: 'OrderLineRequest' });

export const CreateOrderRequest = z
  .strictObject({
    items: z.array(OrderLineRequest).min(1).max(MAX_ITEMS_PER_ORDER),
  })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.items.forEach((line, index) => {
      if (seen.has(line.sku)) {
        ctx.addIssue({ code: 'custom', path: ['items', index, 'sku'], message: 'appears more than once; combine the quantities' });
      }
      seen.add(line.sku);
    });
  })
  .meta({ id: 'CreateOrderRequest', description: 'Products and quantities; prices and the total are set by the server.' });

export const CancelOrderRequest = z.strictObject({ reason: printable(200).optional() }).meta({ id: 'CancelOrderRequest' });

/** The page size and cursor every list takes. */
const pageQuery = () => ({
  // Published as the integer it is; a query string arrives as text, so only plain digits become a number
  // (no `1e1`, ` 5`, `0x10`): anything else stays text and fails as not a number.
  limit: z
    .preprocess(
      (value) => (typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : value),
      z.int('must be a whole number from 1 to 100').min(1).max(100),
    )
    .default(20)
    .meta({ description: 'Page size (1–100)' }),
  cursor: z.string().max(200).optional().meta({ description: 'Opaque cursor from a previous page’s nextCursor' }),
});

export const ListOrdersQuery = z.strictObject(pageQuery());

export const ListProductsQuery = z.strictObject(pageQuery());

export const PutProductRequest = z
  .strictObject({
    name: printable(100),
    price: MinorUnits,
    currency: Currency,
    stock: z.number().int().min(0).max(1_000_000_000),
  })
  .meta({ id: 'PutProductRequest' });

export const OrderItem = z.object({ sku: Sku, quantity: z.number().int(), unitPrice: MinorUnits }).meta({ id: 'OrderItem' });
export const StatusChange = z
  .object({
    status: z.enum(ORDER_STATUSES),
    at: z.iso.datetime(),
    reason: z.string().optional().meta({ description: 'Why, as the customer reads it (a rejection names the products, not how many are left)' }),
    detail: z.string().optional().meta({ description: 'In an admin’s view only: what the customer is not told, such as a rejection’s stock counts' }),
  })
  .meta({ id: 'StatusChange' });

export const Order = z
  .object({
    orderId: OrderId,
    customerId: z.string(),
    items: z.array(OrderItem),
    // Prices go up to MinorUnits' cap and quantities multiply them: the total is only bounded by what the
    // request limits allow (well within a safe integer).
    total: z.int().min(0).meta({ description: 'Sum of quantity × unitPrice, in minor units (cents)' }),
    currency: Currency,
    status: z.enum(ORDER_STATUSES),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    history: z.array(StatusChange),
  })
  .meta({ id: 'Order' });

// What is published is the domain's shape, field for field, less the stock bookkeeping (internal to the
// processor): a field added to the domain must be published here or added to what is left out.
shapesAgree<SameShape<z.output<typeof Order>, Omit<DomainOrder, 'stockState' | 'countedAsOpen'>>>();

export const OrderList = z.object({ items: z.array(Order), nextCursor: z.string().optional() }).meta({ id: 'OrderList' });

export const Availability = z
  .enum(AVAILABILITY_LEVELS)
  .meta({ id: 'Availability', description: `Whether the product can be ordered: LOW_STOCK is ${LOW_STOCK_THRESHOLD} units or fewer` });

export const Product = z
  .object({
    sku: Sku,
    name: z.string(),
    price: MinorUnits,
    currency: Currency,
    availability: Availability,
    stock: z.number().int().optional().meta({ description: 'Units in stock: in an admin’s view only; customers see `availability`' }),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Product', description: 'A product as its reader may see it: everyone its availability, admins also its stock' });

// What is published is the domain's view of a product, field for field: a field added to the domain's product is
// in the view (its availability and admin-only stock aside) and must be published here.
shapesAgree<SameShape<z.output<typeof Product>, ProductView>>();

export const ProductList = z.object({ items: z.array(Product), nextCursor: z.string().optional() }).meta({ id: 'ProductList' });

export const Health = z.object({ status: z.enum(['ok']) }).meta({ id: 'Health' });

export const Readiness = z.object({ status: z.enum(['ok', 'unavailable']), store: z.enum(['reachable', 'unreachable']) }).meta({ id: 'Readiness' });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string(), pointer: z.string(), detail: z.string() }))
      .optional()
      .meta({ description: 'One entry for each invalid field' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
