import { z } from 'zod';
import { fieldError, zodFieldErrors } from '../../service/src/http/problem';
import { isStoreUnavailable } from '../../service/src/http/errors';
import { decodeCursor, encodeCursor } from '../../service/src/routes/views';
import { CreateOrderRequest } from '../../service/src/schemas';
import { cancelledTransaction } from '../support/recordedDynamo';

describe('field errors', () => {
  it('names body fields with dots and brackets, and JSON pointers with escaping', () => {
    expect(fieldError('body', ['items', 0, 'quantity'], 'bad')).toEqual({ field: 'items[0].quantity', pointer: '#/items/0/quantity', detail: 'bad' });
    expect(fieldError('body', ['a/b', 'c~d'], 'bad').pointer).toBe('#/a~1b/c~0d');
    expect(fieldError('query', ['limit'], 'bad').field).toBe('query.limit');
    expect(fieldError('body', [], 'bad').field).toBe('body');
  });

  it('reports each unknown key by name', () => {
    const result = CreateOrderRequest.safeParse({ items: [{ sku: 'A', quantity: 1 }], total: 1, price: 2 });
    expect(result.success).toBe(false);
    expect(zodFieldErrors('body', (result as { error: z.ZodError }).error).map((e) => e.field)).toEqual(['total', 'price']);
  });
});

describe('cursors', () => {
  it('round-trip an order id for the caller they were issued to, and refuse anything else', () => {
    expect(decodeCursor(encodeCursor('01ARZ3NDEKTSV4RRFFQ69G5FAV', 'alice'), 'alice')).toBe('01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(() => decodeCursor(encodeCursor('01ARZ3NDEKTSV4RRFFQ69G5FAV', 'alice'), 'bob')).toThrow('issued to another caller');
    for (const bad of ['', 'x', Buffer.from('{"after":"nope"}').toString('base64url'), Buffer.from('[]').toString('base64url')]) {
      expect(() => decodeCursor(bad, 'alice')).toThrow('not a cursor');
    }
  });
});

describe('store availability', () => {
  it('tells store outages from bugs', () => {
    expect(isStoreUnavailable(Object.assign(new Error('x'), { name: 'ProvisionedThroughputExceededException' }))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isStoreUnavailable(new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1'))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('x'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isStoreUnavailable(new TypeError('undefined is not a function'))).toBe(false);
  });

  it('retries a transaction that lost to another (503), not one whose condition failed', async () => {
    expect(isStoreUnavailable(await cancelledTransaction(['None', 'TransactionConflict']))).toBe(true);
    expect(isStoreUnavailable(await cancelledTransaction(['ConditionalCheckFailed', 'TransactionConflict']))).toBe(false);
    expect(isStoreUnavailable(await cancelledTransaction(['None', 'ConditionalCheckFailed']))).toBe(false);
  });
});
