import type { PriceKey, PriceTable } from './priceTable';

export interface LineItem {
  item: string;
  count: number;
  /** The price of one, a month. */
  unitMonthly: number;
  monthly: number;
  /** The table entries the unit price comes from. */
  prices: PriceKey[];
  /** Set when the count rests on a figure prices.json marks as not confirmed. */
  unconfirmedCount?: string;
}

export interface CostReport {
  lines: LineItem[];
  /** Charges that scale with traffic or data, not in the total. */
  usage: string[];
  /** Resource types this module does not know: neither priced nor known to be free or usage-priced. */
  unclassified: string[];
  total: number;
}

/** The report as the pricing rules build it: line items in the order they are added, usage charges, unknown types. */
export class Bill {
  readonly lines: LineItem[] = [];
  readonly usage = new Set<string>();
  readonly unclassified = new Set<string>();

  constructor(readonly table: PriceTable) {}

  /** One of `key`, a month. */
  monthly(key: PriceKey): number {
    return this.table.prices[key].usd * (this.table.prices[key].per === 'hour' ? this.table.hoursPerMonth : 1);
  }

  /** A line of `count` items at the sum of `keys`' prices (or at `unitMonthly`); none when the count is 0. */
  add(item: string, count: number, keys: PriceKey[], unitMonthly = keys.reduce((sum, key) => sum + this.monthly(key), 0), unconfirmedCount?: string): void {
    if (count > 0) this.lines.push({ item, count, unitMonthly, monthly: count * unitMonthly, prices: keys, ...(unconfirmedCount ? { unconfirmedCount } : {}) });
  }

  report(): CostReport {
    const lines = this.lines;
    return { lines, usage: [...this.usage].sort(), unclassified: [...this.unclassified].sort(), total: lines.reduce((sum, l) => sum + l.monthly, 0) };
  }
}
