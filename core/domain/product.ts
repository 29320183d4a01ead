/** A catalog product. Prices are integers in minor units (cents) so totals are exact. */
export interface Product {
  sku: string;
  name: string;
  price: number;
  currency: string;
  /** Units available to reserve; never negative (enforced by the reservation's write condition). */
  stock: number;
  updatedAt: string;
}

/**
 * What a customer is told of a product's stock: a level, never the count. Exact counts are inventory a competitor
 * or a reseller's bot would poll; a customer only needs to know whether an order can be filled.
 */
export const AVAILABILITY_LEVELS = ['IN_STOCK', 'LOW_STOCK', 'OUT_OF_STOCK'] as const;
export type Availability = (typeof AVAILABILITY_LEVELS)[number];

/**
 * At or under this many units a product is LOW_STOCK. One threshold for the whole catalog, as a constant: a
 * per-product one would be another field for every product to store, publish and be given on each PUT, for a
 * hint that only has to be roughly right; make it per product when products sell at rates that far apart.
 */
export const LOW_STOCK_THRESHOLD = 10;

export const availabilityOf = (stock: number): Availability => (stock <= 0 ? 'OUT_OF_STOCK' : stock <= LOW_STOCK_THRESHOLD ? 'LOW_STOCK' : 'IN_STOCK');

/** A product as a caller sees it: its availability, and its stock count only in an admin's view. */
export interface ProductView extends Omit<Product, 'stock'> {
  availability: Availability;
  /** Admins only. */
  stock?: number;
}

export function productSeenBy(product: Product, reader: { isAdmin: boolean }): ProductView {
  const { stock, ...described } = product;
  return { ...described, availability: availabilityOf(stock), ...(reader.isAdmin ? { stock } : {}) };
}

/** The demo catalog seeded by the local stack. */
export const DEMO_CATALOG: ReadonlyArray<Omit<Product, 'updatedAt'>> = [
  { sku: 'KB-001', name: 'Mechanical keyboard', price: 8900, currency: 'EUR', stock: 100 },
  { sku: 'MS-002', name: 'Wireless mouse', price: 2900, currency: 'EUR', stock: 250 },
  { sku: 'MN-003', name: '27" monitor', price: 24900, currency: 'EUR', stock: 40 },
  { sku: 'CB-004', name: 'USB-C cable', price: 990, currency: 'EUR', stock: 1000 },
  { sku: 'HS-005', name: 'Headset', price: 5900, currency: 'EUR', stock: 3 },
  { sku: 'DK-006', name: 'Docking station', price: 17900, currency: 'EUR', stock: 0 },
];
