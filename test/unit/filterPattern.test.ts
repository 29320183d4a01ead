import { FilterPatternError, matchesAnyPattern, matchesPattern, validateFilterCriteria, validatePattern, type FilterPattern } from '../../core/filterPattern';
import { orderProcessorMapping, orderStatusChange } from '../../core/eventSourceMapping';

/**
 * Lambda's filter rule syntax, operator by operator, on the examples of the Lambda developer guide ("Filter rule
 * syntax"), and the mapping's own patterns on the records DynamoDB writes.
 */
const matches = (event: unknown, pattern: FilterPattern) => matchesPattern(event, pattern);

describe('the filter grammar', () => {
  it('null and empty', () => {
    expect(matches({ UserID: null }, { UserID: [null] })).toBe(true);
    expect(matches({ UserID: '' }, { UserID: [null] })).toBe(false);
    expect(matches({ LastName: '' }, { LastName: [''] })).toBe(true);
    expect(matches({ LastName: 'Doe' }, { LastName: [''] })).toBe(false);
  });

  it('equals, and equals-ignore-case', () => {
    expect(matches({ Name: 'Alice' }, { Name: ['Alice'] })).toBe(true);
    expect(matches({ Name: 'alice' }, { Name: ['Alice'] })).toBe(false);
    expect(matches({ Name: 'ALICE' }, { Name: [{ 'equals-ignore-case': 'alice' }] })).toBe(true);
    expect(matches({ Name: 'Bob' }, { Name: [{ 'equals-ignore-case': 'alice' }] })).toBe(false);
  });

  it('and (every key), or (any value), and $or (any sub-pattern)', () => {
    expect(matches({ Location: 'New York', Day: 'Monday' }, { Location: ['New York'], Day: ['Monday'] })).toBe(true);
    expect(matches({ Location: 'New York', Day: 'Sunday' }, { Location: ['New York'], Day: ['Monday'] })).toBe(false);
    expect(matches({ PaymentType: 'Debit' }, { PaymentType: ['Credit', 'Debit'] })).toBe(true);
    const either: FilterPattern = { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] };
    expect(matches({ Location: 'Paris', Day: 'Monday' }, either)).toBe(true);
    expect(matches({ Location: 'Paris', Day: 'Sunday' }, either)).toBe(false);
  });

  it('not (anything-but), a value or a list', () => {
    expect(matches({ Weather: 'Sunny' }, { Weather: [{ 'anything-but': ['Raining'] }] })).toBe(true);
    expect(matches({ Weather: 'Raining' }, { Weather: [{ 'anything-but': ['Raining', 'Snowing'] }] })).toBe(false);
    expect(matches({ Weather: 'Raining' }, { Weather: [{ 'anything-but': 'Raining' }] })).toBe(false);
  });

  it('numeric equals and ranges', () => {
    expect(matches({ Price: 100 }, { Price: [{ numeric: ['=', 100] }] })).toBe(true);
    expect(matches({ Price: '100' }, { Price: [{ numeric: ['=', 100] }] })).toBe(false);
    const range: FilterPattern = { Price: [{ numeric: ['>', 10, '<=', 20] }] };
    expect([10, 10.5, 20, 20.1].map((Price) => matches({ Price }, range))).toEqual([false, true, true, false]);
  });

  it('exists and does not exist, on leaves, also under a missing parent', () => {
    expect(matches({ ProductName: 'x' }, { ProductName: [{ exists: true }] })).toBe(true);
    expect(matches({}, { ProductName: [{ exists: true }] })).toBe(false);
    expect(matches({}, { ProductName: [{ exists: false }] })).toBe(true);
    expect(matches({ dynamodb: {} }, { dynamodb: { OldImage: { status: { S: [{ exists: false }] } } } })).toBe(true);
    expect(matches({ dynamodb: { OldImage: { status: { S: 'PENDING' } } } }, { dynamodb: { OldImage: { status: { S: [{ exists: false }] } } } })).toBe(false);
  });

  it('begins with and ends with', () => {
    expect(matches({ Region: 'us-east-1' }, { Region: [{ prefix: 'us-' }] })).toBe(true);
    expect(matches({ Region: 'eu-west-1' }, { Region: [{ prefix: 'us-' }] })).toBe(false);
    expect(matches({ FileName: 'a.png' }, { FileName: [{ suffix: '.png' }] })).toBe(true);
    expect(matches({ FileName: 'a.jpg' }, { FileName: [{ suffix: '.png' }] })).toBe(false);
  });

  it('an array in the event matches when any element does', () => {
    expect(matches({ tags: ['a', 'b'] }, { tags: ['b'] })).toBe(true);
    expect(matches({ tags: ['a', 'b'] }, { tags: [{ prefix: 'c' }] })).toBe(false);
  });

  it('refuses what it does not know, instead of answering "no match"', () => {
    const refused = (pattern: unknown) => () => matches({ a: 'x' }, pattern as FilterPattern);
    expect(refused({ a: [{ wildcard: 'x*' }] })).toThrow(new FilterPatternError('unknown filter operator "wildcard"'));
    expect(refused({ a: [{ prefix: 'x', suffix: 'y' }] })).toThrow(/exactly one operator/);
    expect(refused({ a: [{ numeric: ['~', 1] }] })).toThrow(/unknown comparison "~"/);
    expect(refused({ a: [] })).toThrow(/empty condition list/);
    expect(refused({ $or: [{ a: ['x'] }] })).toThrow(/two or more patterns/);
    expect(refused({ a: 'x' })).toThrow(/list of conditions or a nested pattern/);
  });
});

describe('the grammar compiled as event-ruler compiles it (found missing by mutation testing)', () => {
  it('meets a rule needing a field in one element of an array, and a rule of absences only in every element', () => {
    const giftless: FilterPattern = { items: { sku: ['A'], gift: [{ exists: false }] } };
    expect(matches({ items: [{ sku: 'A' }, { sku: 'B', gift: true }] }, giftless)).toBe(true);
    expect(matches({ items: [{ sku: 'A', gift: true }, { sku: 'B' }] }, giftless)).toBe(false);
    const noGiftAnywhere: FilterPattern = { items: { gift: [{ exists: false }] } };
    expect(matches({ items: [{ sku: 'A' }, { sku: 'B' }] }, noGiftAnywhere)).toBe(true);
    expect(matches({ items: [{ sku: 'A' }, { sku: 'B', gift: true }] }, noGiftAnywhere)).toBe(false);
    // A list mixing a value and an absence is two rules: the value in one element, or the field in none.
    const xOrNone: FilterPattern = { items: { a: ['x', { exists: false }] } };
    expect(matches({ items: [{ a: 'y' }, { b: 1 }] }, xOrNone)).toBe(false);
    expect(matches({ items: [{ a: 'y' }, { a: 'x' }] }, xOrNone)).toBe(true);
    expect(matches({ items: [{ b: 1 }, { b: 2 }] }, xOrNone)).toBe(true);
  });

  it('tries each way through a $or when the patterns are ORed too', () => {
    const either: FilterPattern = { $or: [{ a: ['x'] }, { b: ['z'] }] };
    expect(matchesAnyPattern({ b: 'z' }, [either])).toBe(true);
    expect(matchesAnyPattern({ a: 'x' }, [{ c: ['none'] }, either])).toBe(true);
    expect(matchesAnyPattern({ a: 'y', b: 'y' }, [either])).toBe(false);
  });

  it('refuses a $or alternative that is not a pattern, and a key given both inside and outside a $or', () => {
    const refusal = (pattern: unknown) => {
      try {
        validatePattern(pattern);
      } catch (err) {
        return err;
      }
    };
    expect(refusal({ $or: [{ a: ['x'] }, 'b'] })).toMatchObject({ message: '$or takes a list of two or more patterns', path: '$or' });
    expect(refusal({ a: ['x'], $or: [{ a: ['y'] }, { b: ['z'] }] })).toMatchObject({
      message: 'a: conditions given both inside and outside a $or; event-ruler would keep only one',
      path: 'a',
    });
    expect(refusal({ n: { a: ['x'] }, $or: [{ n: { a: ['y'] } }, { b: ['z'] }] })).toMatchObject({ path: 'n.a' });
    expect(refusal({ m: { n: { a: ['x'], $or: [{ a: ['y'] }, { b: ['z'] }] } } })).toMatchObject({ path: 'm.n.a' }); // a $or two keys down
    // Conditions on one side, a nested pattern on the other.
    expect(refusal({ a: ['x'], $or: [{ a: { b: ['y'] } }, { c: ['z'] }] })).toMatchObject({ path: 'a' });
  });
});

describe('a pattern is checked whole, before any record, and where the mapping is defined', () => {
  const thrown = (check: () => unknown) => {
    try {
      check();
    } catch (err) {
      return err;
    }
    return undefined;
  };

  it('refuses a bad operand in a branch no record reaches, and says where it is', () => {
    const pattern = { $or: [{ a: ['x'] }, { b: { c: [{ prefix: 1 }] } }] } as unknown as FilterPattern;
    expect(thrown(() => validatePattern(pattern))).toMatchObject({ name: 'FilterPatternError', path: 'b.c', message: 'prefix: expected a string, got 1' });
    expect(() => matches({ a: 'x' }, pattern)).toThrow(FilterPatternError);
  });

  it('holds a DynamoDB mapping to the `dynamodb` key, without `numeric`, and to the default quota of five filters', () => {
    expect(validateFilterCriteria(orderProcessorMapping.filterPatterns, { eventSource: 'dynamodb' })).toEqual(orderProcessorMapping.filterPatterns);
    expect(() => validatePattern({ eventName: ['INSERT'] }, { eventSource: 'dynamodb' })).toThrow(/only support filtering on the "dynamodb" key/);
    expect(() => validatePattern({ dynamodb: { Keys: { n: { N: [{ numeric: ['>', 1] }] } } } }, { eventSource: 'dynamodb' })).toThrow(/numeric/);
    const six = Array.from({ length: 6 }, (_, i) => ({ dynamodb: { Keys: { id: { S: [String(i)] } } } }));
    expect(() => validateFilterCriteria(six, { eventSource: 'dynamodb' })).toThrow(/at most 5/);
  });

  it('lets every record through a mapping without filters, as Lambda does', () => {
    expect(matchesAnyPattern({ eventName: 'REMOVE' }, [])).toBe(true);
  });
});

describe('the mapping’s patterns, on the records DynamoDB writes', () => {
  const image = (status: string, entityType = 'Order') => ({ entityType: { S: entityType }, status: { S: status } });
  const passes = (record: unknown) => matchesAnyPattern(record, orderProcessorMapping.filterPatterns);

  it('are built from the domain’s statuses: one it does not have does not compile (npm run typecheck)', () => {
    // @ts-expect-error 'CANCELED' is not an OrderStatus
    const misspelt = orderStatusChange('CONFIRMED', 'CANCELED');
    expect(matchesAnyPattern({ dynamodb: { OldImage: image('CONFIRMED'), NewImage: image('CANCELLED') } }, [misspelt])).toBe(false);
    expect(matchesAnyPattern({ dynamodb: { OldImage: image('CONFIRMED'), NewImage: image('CANCELLED') } }, [orderStatusChange('CONFIRMED', 'CANCELLED')])).toBe(
      true,
    );
  });

  it('use only the `dynamodb` key, the one AWS documents for DynamoDB stream mappings', () => {
    expect(orderProcessorMapping.filterPatterns.map((p) => Object.keys(p))).toEqual([['dynamodb'], ['dynamodb']]);
  });

  it('pass a new PENDING order and a CONFIRMED → CANCELLED change, and nothing else', () => {
    expect(passes({ eventName: 'INSERT', dynamodb: { NewImage: image('PENDING') } })).toBe(true);
    expect(passes({ eventName: 'MODIFY', dynamodb: { OldImage: image('CONFIRMED'), NewImage: image('CANCELLED') } })).toBe(true);
    // A MODIFY that rewrites a PENDING order is not a new order, although its new image looks like one.
    expect(passes({ eventName: 'MODIFY', dynamodb: { OldImage: image('PENDING'), NewImage: image('PENDING') } })).toBe(false);
    expect(passes({ eventName: 'MODIFY', dynamodb: { OldImage: image('PENDING'), NewImage: image('CONFIRMED') } })).toBe(false);
    expect(passes({ eventName: 'MODIFY', dynamodb: { OldImage: image('PENDING'), NewImage: image('CANCELLED') } })).toBe(false);
    expect(passes({ eventName: 'INSERT', dynamodb: { NewImage: image('PENDING', 'Product') } })).toBe(false);
    expect(passes({ eventName: 'REMOVE', dynamodb: { OldImage: image('PENDING') } })).toBe(false);
  });
});
