import { priceLines } from '../../core/domain/pricing';
import type { Product } from '../../core/domain/product';
import { isOrderId, newOrderId } from '../../core/ids';

const product = (sku: string, price: number, currency = 'EUR'): Product => ({ sku, name: sku, price, currency, stock: 1, updatedAt: '' });
const catalog = new Map([product('A', 100), product('B', 250), product('U', 5, 'USD')].map((p) => [p.sku, p]));

describe('pricing', () => {
  it('snapshots catalog prices and the currency', () => {
    expect(
      priceLines(
        [
          { sku: 'A', quantity: 3 },
          { sku: 'B', quantity: 1 },
        ],
        catalog,
      ),
    ).toEqual({
      ok: true,
      currency: 'EUR',
      items: [
        { sku: 'A', quantity: 3, unitPrice: 100 },
        { sku: 'B', quantity: 1, unitPrice: 250 },
      ],
    });
  });

  it('names every unknown or foreign-currency line by index', () => {
    expect(
      priceLines(
        [
          { sku: 'A', quantity: 1 },
          { sku: 'X', quantity: 1 },
          { sku: 'U', quantity: 1 },
        ],
        catalog,
      ),
    ).toEqual({
      ok: false,
      problems: [
        { index: 1, detail: "unknown product 'X'" },
        { index: 2, detail: 'priced in USD, the order is in EUR' },
      ],
    });
  });
});

describe('order ids', () => {
  it('are valid ULIDs that sort by creation time, even within one millisecond', () => {
    const now = new Date();
    const ids = Array.from({ length: 50 }, () => newOrderId(now));
    expect(ids.every(isOrderId)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(newOrderId(new Date(now.getTime() + 1)) > ids.at(-1)!).toBe(true);
    expect(isOrderId('not-an-id')).toBe(false);
    expect(isOrderId('01arz3ndektsv4rrffq69g5fav')).toBe(false);
  });
});
