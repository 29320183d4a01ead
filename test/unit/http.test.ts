import { z } from 'zod';
import { fieldError, zodFieldErrors } from '../../service/src/http/problem';
import { isStoreUnavailable } from '../../service/src/http/errors';
import { decodeCursor, encodeCursor } from '../../service/src/routes/views';
import { CreateOrderRequest } from '../../service/src/schemas';
import { cancelledTransaction, recordedDynamoError, unreachableStoreError } from '../support/recordedDynamo';

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
  it('tells store outages from bugs, on the errors the SDK client makes of DynamoDB’s answers', async () => {
    const throttled = 'The level of configured provisioned throughput for the table was exceeded.';
    expect(isStoreUnavailable(await recordedDynamoError('ProvisionedThroughputExceededException', { message: throttled }))).toBe(true);
    expect(isStoreUnavailable(await recordedDynamoError('ThrottlingException', { message: 'Rate of requests exceeds the allowed throughput.' }))).toBe(true);
    expect(isStoreUnavailable(await recordedDynamoError('RequestLimitExceeded', { message: 'Throughput exceeds the account limit.' }))).toBe(true);
    expect(isStoreUnavailable(await recordedDynamoError('InternalServerError', { message: 'Internal server error' }, 500))).toBe(true);
    // A 5xx whose body names no error the client knows is still the store failing.
    expect(isStoreUnavailable(await recordedDynamoError('SomethingNew', {}, 503))).toBe(true);
    // The SDK wraps the socket's error: only its message still names ECONNREFUSED.
    expect(isStoreUnavailable(await unreachableStoreError())).toBe(true);
    expect(isStoreUnavailable(await recordedDynamoError('ValidationException', { message: 'One or more parameter values were invalid' }))).toBe(false);
    expect(isStoreUnavailable(await recordedDynamoError('ResourceNotFoundException', { message: 'Requested resource not found' }))).toBe(false);
    expect(isStoreUnavailable(new TypeError('undefined is not a function'))).toBe(false);
    expect(isStoreUnavailable(undefined)).toBe(false);
  });

  it('reads a socket error the SDK wrapped by its message, and looks through a cause', () => {
    expect(isStoreUnavailable(new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1'))).toBe(true);
    expect(isStoreUnavailable(new Error('socket hang up'))).toBe(true);
    expect(isStoreUnavailable(new Error('ECONNREFUSEDX is not a code'))).toBe(false);
    expect(isStoreUnavailable(new Error('wrapped', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }))).toBe(true);
    expect(isStoreUnavailable(new Error('wrapped', { cause: new TypeError('a bug') }))).toBe(false);
    const loop: Error & { cause?: unknown } = new Error('its own cause');
    loop.cause = loop;
    expect(isStoreUnavailable(loop)).toBe(false);
  });

  it('retries a transaction that lost to another (503), not one whose condition failed', async () => {
    expect(isStoreUnavailable(await cancelledTransaction(['None', 'TransactionConflict']))).toBe(true);
    expect(isStoreUnavailable(await cancelledTransaction(['ConditionalCheckFailed', 'TransactionConflict']))).toBe(false);
    expect(isStoreUnavailable(await cancelledTransaction(['None', 'ConditionalCheckFailed']))).toBe(false);
  });
});
