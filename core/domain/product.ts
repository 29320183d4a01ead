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

/** The demo catalog seeded by the local stack. */
export const DEMO_CATALOG: ReadonlyArray<Omit<Product, 'updatedAt'>> = [
  { sku: 'KB-001', name: 'Mechanical keyboard', price: 8900, currency: 'EUR', stock: 100 },
  { sku: 'MS-002', name: 'Wireless mouse', price: 2900, currency: 'EUR', stock: 250 },
  { sku: 'MN-003', name: '27" monitor', price: 24900, currency: 'EUR', stock: 40 },
  { sku: 'CB-004', name: 'USB-C cable', price: 990, currency: 'EUR', stock: 1000 },
  { sku: 'HS-005', name: 'Headset', price: 5900, currency: 'EUR', stock: 3 },
  { sku: 'DK-006', name: 'Docking station', price: 17900, currency: 'EUR', stock: 0 },
];
