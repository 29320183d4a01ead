import { newOrder } from '../../core/domain/order';
import { catalogKey, customerOrdersKey, customerQuotaKey, idempotencyRecordKey, orderIdOfKey, orderKey, orderRateKey, productKey } from '../../core/table';
import { itemToOrder, orderToItem } from '../../core/tableItems';

/**
 * The single table's layout as stored: a deployed table holds items under these keys, so a key format that changed
 * would orphan them (an order no longer found, a quota counted from zero, an Idempotency-Key claimable twice).
 */
describe('the table’s item keys', () => {
  it('keep the formats stored items were written under', () => {
    expect(orderKey('O1')).toEqual({ PK: 'ORDER#O1', SK: 'ORDER' });
    expect(customerOrdersKey('alice', 'O1')).toEqual({ GSI1PK: 'CUSTOMER#alice', GSI1SK: 'ORDER#O1' });
    expect(productKey('KB-001')).toEqual({ PK: 'PRODUCT#KB-001', SK: 'PRODUCT' });
    expect(catalogKey('KB-001')).toEqual({ GSI1PK: 'PRODUCTS', GSI1SK: 'PRODUCT#KB-001' });
    expect(customerQuotaKey('alice')).toEqual({ PK: 'CUSTOMER#alice', SK: 'QUOTA' });
    expect(orderRateKey('alice', 29_000_000)).toEqual({ PK: 'CUSTOMER#alice', SK: 'RATE#29000000' });
    expect(idempotencyRecordKey('alice', 'h1')).toEqual({ PK: 'IDEMPOTENCY#alice#h1', SK: 'IDEMPOTENCY' });
  });

  it('read an order id back from an order’s partition key only', () => {
    expect(orderIdOfKey(orderKey('O1').PK)).toBe('O1');
    expect(orderIdOfKey(productKey('KB-001').PK)).toBeUndefined();
    expect(orderIdOfKey(undefined)).toBeUndefined();
  });
});

describe('an order item read from the table', () => {
  const now = new Date('2026-11-25T12:00:00.000Z');
  const order = newOrder({ orderId: 'O1', customerId: 'alice', items: [{ sku: 'KB-001', quantity: 1, unitPrice: 8900 }], currency: 'EUR', now });

  it('fails without lines: no order is written without one', () => {
    expect(() => itemToOrder({ ...orderToItem(order), items: [] })).toThrow(/items/);
  });

  it('written before the limits or stock tracking, was never counted and held no stock', () => {
    const { countedAsOpen: _counted, stockState: _stock, ...older } = orderToItem({ ...order, countedAsOpen: true });
    expect(itemToOrder(older)).toMatchObject({ countedAsOpen: false, stockState: 'NONE' });
  });
});
