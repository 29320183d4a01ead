import type { OrderItem } from './order';
import type { Product } from './product';

export interface OrderLine {
  sku: string;
  quantity: number;
}

/**
 * A problem with the product one requested line names (unknown, or priced in another currency), pointing at the
 * line by index so the API can name that line's `sku`: the only field of a line the catalog can fault.
 */
export interface LineProblem {
  index: number;
  detail: string;
}

export type PricingResult = { ok: true; items: OrderItem[]; currency: string } | { ok: false; problems: LineProblem[] };

/**
 * Prices the requested lines from the catalog: the client names products and quantities, the
 * server supplies the prices. All lines must exist and share one currency.
 */
export function priceLines(lines: readonly OrderLine[], catalog: ReadonlyMap<string, Product>): PricingResult {
  const problems: LineProblem[] = [];
  const items: OrderItem[] = [];
  let currency: string | undefined;
  lines.forEach((line, index) => {
    const product = catalog.get(line.sku);
    if (!product) {
      problems.push({ index, detail: `unknown product '${line.sku}'` });
      return;
    }
    currency ??= product.currency;
    if (product.currency !== currency) {
      problems.push({ index, detail: `priced in ${product.currency}, the order is in ${currency}` });
      return;
    }
    items.push({ sku: line.sku, quantity: line.quantity, unitPrice: product.price });
  });
  if (problems.length > 0 || currency === undefined) return { ok: false, problems };
  return { ok: true, items, currency };
}
