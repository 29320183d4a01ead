import { newOrder, reject } from '../../core/domain/order';
import { LOW_STOCK_THRESHOLD, availabilityOf, productSeenBy, type Product } from '../../core/domain/product';
import { ProblemError } from '../../service/src/http/problem';
import { decodeProductCursor, encodeCursor, encodeProductCursor, orderView, productView } from '../../service/src/routes/views';

/** What a customer and an admin each read of a product and of a rejected order (test/api/ runs them over HTTP). */
const customer = { isAdmin: false };
const admin = { isAdmin: true };
const keyboard: Product = { sku: 'KB-001', name: 'Keyboard', price: 8900, currency: 'EUR', stock: 96, updatedAt: '2026-01-01T00:00:00.000Z' };

describe('availability', () => {
  it.each([
    [0, 'OUT_OF_STOCK'],
    [-1, 'OUT_OF_STOCK'],
    [1, 'LOW_STOCK'],
    [LOW_STOCK_THRESHOLD, 'LOW_STOCK'],
    [LOW_STOCK_THRESHOLD + 1, 'IN_STOCK'],
  ])('%i units is %s', (stock, level) => {
    expect(availabilityOf(stock)).toBe(level);
  });

  it('is all a customer sees of the stock; an admin sees the count too', () => {
    const { stock: _stock, ...described } = keyboard;
    expect(productSeenBy(keyboard, customer)).toEqual({ ...described, availability: 'IN_STOCK' });
    expect(productView(keyboard, customer)).not.toHaveProperty('stock');
    expect(productView(keyboard, admin)).toEqual({ ...keyboard, availability: 'IN_STOCK' });
  });
});

describe('a rejected order', () => {
  const rejected = reject(
    newOrder({
      orderId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      customerId: 'alice',
      items: [{ sku: 'KB-001', quantity: 200, unitPrice: 8900 }],
      currency: 'EUR',
      now: new Date(),
    }),
    new Date(),
    'insufficient stock: KB-001',
    'insufficient stock (KB-001: 96 in stock, 200 ordered)',
  ).next;

  it('tells its customer the product, and an admin the counts', () => {
    expect(orderView(rejected, customer).history.at(-1)).toEqual({ status: 'REJECTED', at: rejected.updatedAt, reason: 'insufficient stock: KB-001' });
    expect(orderView(rejected, admin).history.at(-1)).toMatchObject({ detail: 'insufficient stock (KB-001: 96 in stock, 200 ordered)' });
  });
});

describe('product list cursors', () => {
  it('round-trip the last SKU of a page', () => {
    expect(decodeProductCursor(encodeProductCursor('KB-001'))).toBe('KB-001');
  });

  it.each([
    ['not base64 JSON', 'not a cursor'],
    ['JSON that is not an object', Buffer.from('"KB-001"').toString('base64url')],
    ['a SKU that is not one', Buffer.from(JSON.stringify({ in: 'catalog', after: 'kb 001' })).toString('base64url')],
    ['an order list cursor', encodeCursor('01ARZ3NDEKTSV4RRFFQ69G5FAV', 'alice')],
  ])('refuse %s as a 400 naming query.cursor', (_what, cursor) => {
    const refused = (() => {
      try {
        decodeProductCursor(cursor);
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(ProblemError);
    expect(refused).toMatchObject({ status: 400, errors: [{ field: 'query.cursor' }] });
  });
});
