/**
 * What one customer may order, per stack (infra config, read by the API at start). They bound what a single
 * signed-up account can take out of circulation: stock is reserved before any payment step, so without them one
 * customer could hold a product's whole stock.
 */
export interface CustomerLimits {
  /** Units of one product in one order line. */
  unitsPerLine: number;
  /** Lines (distinct products) in one order. */
  linesPerOrder: number;
  /** Orders placed and not yet decided at once (a confirmed order leaves the count: core/domain/order.ts isOpen). */
  openOrders: number;
  /** Orders placed per minute. */
  ordersPerMinute: number;
}

/** One way an order's lines pass the limits: the line (absent for the whole list) and what is wrong. */
export interface LineLimitProblem {
  index?: number;
  detail: string;
}

export function lineLimitProblems(lines: ReadonlyArray<{ quantity: number }>, limits: CustomerLimits): LineLimitProblem[] {
  const problems: LineLimitProblem[] = [];
  if (lines.length > limits.linesPerOrder) problems.push({ detail: `at most ${limits.linesPerOrder} lines per order` });
  lines.forEach((line, index) => {
    if (line.quantity > limits.unitsPerLine) problems.push({ index, detail: `at most ${limits.unitsPerLine} units per line` });
  });
  return problems;
}
