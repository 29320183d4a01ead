import { lineLimitProblems, type CustomerLimits } from '../../core/domain/limits';

/** A customer's per-order limits, judged on the lines alone: the whole list, then each line by its index. */
const limits: CustomerLimits = { unitsPerLine: 3, linesPerOrder: 2, openOrders: 5, ordersPerMinute: 10 };
const lines = (...quantities: number[]) => quantities.map((quantity) => ({ quantity }));

describe('line limits', () => {
  it('passes an order at every limit', () => {
    expect(lineLimitProblems(lines(3, 3), limits)).toEqual([]);
  });

  it('names the list when it has too many lines, and each line over its units by index', () => {
    expect(lineLimitProblems(lines(1, 4, 3), limits)).toEqual([{ detail: 'at most 2 lines per order' }, { index: 1, detail: 'at most 3 units per line' }]);
  });
});
