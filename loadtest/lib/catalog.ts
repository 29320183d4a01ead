/**
 * The gate's own products. `npm run stack:bootstrap` creates them on every stack that carries a gate (and the
 * local runner on its local stack), so the gate never depends on, or consumes, a real product's stock.
 * Pure data: the k6 script and Node both load it.
 */
export const LOADTEST_PRODUCTS = [
  { sku: 'LOADTEST-1', name: 'Load-test item 1 (not for sale)', price: 100, currency: 'EUR' },
  { sku: 'LOADTEST-2', name: 'Load-test item 2 (not for sale)', price: 250, currency: 'EUR' },
  { sku: 'LOADTEST-3', name: 'Load-test item 3 (not for sale)', price: 990, currency: 'EUR' },
] as const;

/**
 * Stock of each load-test product: a gate run takes a few hundred units of each, so the bootstrap refills to
 * `refillTo` once stock falls under `refillBelow`, and otherwise leaves it alone (running it twice changes nothing).
 */
export const LOADTEST_STOCK = { refillBelow: 100_000, refillTo: 1_000_000 } as const;

/**
 * The flash sale's product: one SKU with little stock that a `flash-sale` run sells out. `npm run
 * stack:bootstrap -- --flash-sale` (and the local runner, on its own stack) arms the sale: exactly `stock` units.
 */
export const FLASH_SALE = {
  product: { sku: 'LOADTEST-FLASH', name: 'Load-test flash-sale item (not for sale)', price: 1999, currency: 'EUR' },
  stock: 500,
} as const;
