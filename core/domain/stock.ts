/**
 * The order's stock, as its own small lifecycle beside the status. Pure: no AWS, Koa, Lambda or Pulumi.
 *
 *   NONE ──▶ RESERVED ──▶ RELEASED
 *
 * NONE → RESERVED happens in the confirmation's own write; RESERVED → RELEASED is a later write, once, after a
 * confirmed order is cancelled. As with statuses, the store conditions each stock move on `stockSources`.
 */
export const STOCK_STATES = ['NONE', 'RESERVED', 'RELEASED'] as const;

/** Where the order's stock is: never reserved, held by a confirmed order, or given back after a cancel. */
export type StockState = (typeof STOCK_STATES)[number];

const STOCK_NEXT: Record<StockState, readonly StockState[]> = {
  NONE: ['RESERVED'],
  RESERVED: ['RELEASED'],
  RELEASED: [],
};

export const canMoveStock = (from: StockState, to: StockState): boolean => STOCK_NEXT[from].includes(to);

/** The stock states an order may be in for a move to `to`: the store's write condition. */
export const stockSources = (to: StockState): StockState[] => STOCK_STATES.filter((from) => canMoveStock(from, to));

/** One order line the stock could not cover; `inStock` is absent when the product does not exist. */
export interface Shortage {
  sku: string;
  ordered: number;
  inStock?: number;
}

/**
 * Why a rejected order was rejected, in two parts. `reason` is what its customer reads: which products could
 * not be had, never how many are left (a rejection must not be a way to read the inventory). `detail` adds the
 * counts, for admins.
 */
export interface Rejection {
  reason: string;
  detail: string;
}

export function insufficientStockReason(shortages: readonly Shortage[]): Rejection {
  const short = shortages.filter((s) => s.inStock !== undefined).map((s) => s.sku);
  const unknown = shortages.filter((s) => s.inStock === undefined).map((s) => s.sku);
  const reason = [
    ...(short.length > 0 ? [`insufficient stock: ${short.join(', ')}`] : []),
    ...(unknown.length > 0 ? [`unknown product: ${unknown.join(', ')}`] : []),
  ];
  const counts = shortages.map(({ sku, ordered, inStock }) =>
    inStock === undefined ? `${sku}: unknown product` : `${sku}: ${inStock} in stock, ${ordered} ordered`,
  );
  return { reason: reason.join('; '), detail: `insufficient stock (${counts.join('; ')})` };
}
