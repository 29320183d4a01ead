import { cancellationReasons, contentionCodes, isConditionFailed, throwIfContended } from '../../core/dynamoErrors';
import { IdempotencyMismatchError, OrderLimitError, StockContentionError, VersionConflictError, WriteContentionError } from '../../core/orders/errors';
import { isStoreUnavailable } from '../../service/src/http/errors';
import { cancelledTransaction, recordedDynamoError } from '../support/recordedDynamo';

/**
 * DynamoDB's refusals as the SDK parses them from recorded answers (test/support/recordedDynamo.ts), and what the
 * store and the bootstrap make of them (core/dynamoErrors.ts): a lost condition, or contention worth retrying.
 */
describe('DynamoDB’s refusals', () => {
  it('tell a lost condition from every other error', async () => {
    expect(isConditionFailed(await recordedDynamoError('ConditionalCheckFailedException', { message: 'The conditional request failed' }))).toBe(true);
    expect(isConditionFailed(await cancelledTransaction(['ConditionalCheckFailed']))).toBe(false);
    expect(isConditionFailed(undefined)).toBe(false);
  });

  it('give a cancelled transaction’s reasons item by item, and none for anything else', async () => {
    expect(cancellationReasons(await cancelledTransaction(['None', 'ConditionalCheckFailed']))).toEqual([{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }]);
    expect(cancellationReasons(await recordedDynamoError('TransactionCanceledException', { Message: 'cancelled' }))).toEqual([]);
    expect(cancellationReasons(await recordedDynamoError('TransactionConflictException', { message: 'Transaction is ongoing for the item' }))).toBeUndefined();
    expect(cancellationReasons(undefined)).toBeUndefined();
  });

  it('count as contention only when other writes or throttling cancelled a write and no condition failed', async () => {
    expect(contentionCodes(await recordedDynamoError('TransactionConflictException', { message: 'Transaction is ongoing for the item' }))).toEqual([
      'TransactionConflict',
    ]);
    expect(contentionCodes(await cancelledTransaction(['None', 'TransactionConflict']))).toEqual(['None', 'TransactionConflict']);
    expect(contentionCodes(await cancelledTransaction(['ThrottlingError', 'None']))).toEqual(['ThrottlingError', 'None']);
    expect(contentionCodes(await cancelledTransaction(['TransactionConflict', 'ConditionalCheckFailed']))).toBeUndefined();
    expect(contentionCodes(await cancelledTransaction(['None', 'ValidationError']))).toBeUndefined();
    expect(contentionCodes(await recordedDynamoError('ValidationException', { message: 'bad' }))).toBeUndefined();
    expect(contentionCodes(undefined)).toBeUndefined();
  });

  it('become WriteContentionError when contended, and pass anything else on', async () => {
    const contended = await cancelledTransaction(['TransactionConflict', 'None']);
    expect(() => throwIfContended(contended)).toThrow(new WriteContentionError(['TransactionConflict', 'None']));
    expect(() => throwIfContended(contended)).toThrow(WriteContentionError);
    const refused = await cancelledTransaction(['ConditionalCheckFailed']);
    expect(() => throwIfContended(refused)).not.toThrow();
  });
});

describe('the use cases’ errors', () => {
  it('carry their names, which the API maps to answers (contention to 503), and say what happened', () => {
    const errors = [
      new VersionConflictError('O1'),
      new IdempotencyMismatchError('O1'),
      new StockContentionError(['TransactionConflict', 'None']),
      new WriteContentionError(['ThrottlingError', 'None']),
      new OrderLimitError('open-orders', 3),
      new OrderLimitError('orders-per-minute', 10, 42),
    ];
    expect(errors.map((e) => [e.name, e.message])).toEqual([
      ['VersionConflictError', 'order O1 changed since it was read'],
      ['IdempotencyMismatchError', 'this Idempotency-Key was already used with a different request'],
      ['StockContentionError', 'stock transaction cancelled (TransactionConflict, None); retry'],
      ['WriteContentionError', 'order write cancelled (ThrottlingError, None); retry'],
      ['OrderLimitError', 'at most 3 open orders per customer'],
      ['OrderLimitError', 'at most 10 orders per minute per customer'],
    ]);
    expect(errors.map((e) => isStoreUnavailable(e))).toEqual([false, false, true, true, false, false]);
  });
});
