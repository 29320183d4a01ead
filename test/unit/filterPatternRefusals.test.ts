import { FilterPatternError, matchesPattern, validateFilterCriteria, validatePattern, type FilterPattern } from '../../core/filterPattern';

/**
 * What a refused pattern is told: the corpus (test/conformance) holds which patterns AWS refuses, from its documents;
 * these hold what the deploy's error then says and where, one refusal each, because a pattern is checked when
 * core/eventSourceMapping.ts loads and that message is all an operator sees. Found missing by mutation testing: every
 * check below could be dropped, or its message emptied, with the corpus still green.
 */
const refusal = (pattern: unknown, rules = {}) => {
  try {
    validatePattern(pattern, rules);
  } catch (err) {
    expect(err).toBeInstanceOf(FilterPatternError);
    const { message, path } = err as FilterPatternError;
    return { message, path };
  }
  throw new Error(`accepted ${JSON.stringify(pattern)}`);
};

describe('a refused pattern names what is wrong and where', () => {
  it.each([
    [{ a: { b: [{ numeric: 5 }] } }, 'numeric: expected [op, n] or [">"|">=", n, "<"|"<=", n], got 5', 'a.b'],
    [{ a: [{ numeric: ['>', 1, '<'] }] }, 'numeric: expected [op, n] or [">"|">=", n, "<"|"<=", n], got [">",1,"<"]', 'a'],
    [{ a: [{ numeric: ['>', 1, '~', 5] }] }, 'numeric: unknown comparison "~"', 'a'],
    [{ a: [{ numeric: ['=', 'x'] }] }, 'numeric: bounds must be numbers, got ["=","x"]', 'a'],
    [{ a: [{ numeric: ['>', 1, '<', 'x'] }] }, 'numeric: bounds must be numbers, got [">",1,"<","x"]', 'a'],
    [{ a: [{ numeric: ['<', 1, '>', 5] }] }, 'numeric: a range is a lower bound (> or >=) then an upper one (< or <=), got ["<",1,">",5]', 'a'],
    [{ a: [{ numeric: ['>', 1, '>', 5] }] }, 'numeric: a range is a lower bound (> or >=) then an upper one (< or <=), got [">",1,">",5]', 'a'],
    [{ a: [{ numeric: ['>', 5, '<', 5] }] }, 'numeric: the lower bound must be less than the upper one, got [">",5,"<",5]', 'a'],
    [
      { a: [{ 'anything-but': { prefix: 'x' } }] },
      'anything-but over {"prefix":"x"}: an EventBridge form the Lambda guide does not list for event filtering',
      'a',
    ],
    [
      { a: [{ prefix: { 'equals-ignore-case': 'x' } }] },
      'prefix over {"equals-ignore-case":"x"}: an EventBridge form the Lambda guide does not list for event filtering',
      'a',
    ],
    [{ a: [{ 'anything-but': [] }] }, 'anything-but: expected a string, a number, or a list of only strings or only numbers, got []', 'a'],
    [{ a: [{ 'anything-but': ['x', 1] }] }, 'anything-but: expected a string, a number, or a list of only strings or only numbers, got ["x",1]', 'a'],
    [{ a: [['x']] }, 'a condition is a JSON literal or an operator, got x', 'a'],
    [{ a: [{ exists: 'yes' }] }, 'exists: expected true or false, got "yes"', 'a'],
    [{ a: [{ suffix: 1 }] }, 'suffix: expected a string, got 1', 'a'],
    [{}, 'an empty pattern object is not allowed', ''],
    [[{ a: ['x'] }], 'a pattern is an object, got [{"a":["x"]}]', ''],
  ])('%j', (pattern, message, path) => {
    expect(refusal(pattern)).toEqual({ message, path });
  });

  it('refuses numbers JSON cannot hold as bounds', () => {
    for (const bound of [Number.NaN, Number.POSITIVE_INFINITY])
      expect(refusal({ a: [{ numeric: ['=', bound] }] }).message).toMatch(/^numeric: bounds must be numbers/);
  });

  it('names the key a DynamoDB mapping cannot filter on, and the quota with no path', () => {
    expect(refusal({ eventName: ['INSERT'] }, { eventSource: 'dynamodb' })).toEqual({
      message: '"eventName": DynamoDB event source mappings only support filtering on the "dynamodb" key',
      path: 'eventName',
    });
    const six = Array.from({ length: 6 }, () => ({ dynamodb: ['x'] }));
    expect(() => validateFilterCriteria(six)).toThrow(expect.objectContaining({ message: '6 filters: a mapping takes at most 5', path: '' }));
    expect(validateFilterCriteria(six.slice(0, 5))).toHaveLength(5); // the quota itself is allowed
  });
});

describe('what a valid pattern accepts', () => {
  it('takes literals of every JSON kind as conditions', () => {
    for (const literal of [null, 'x', true, false, 0, 2.5]) expect(() => validatePattern({ a: [literal] })).not.toThrow();
    expect(matchesPattern({ a: true }, { a: [true] })).toBe(true);
    expect(matchesPattern({ a: false }, { a: [true] })).toBe(false);
  });

  it('compares numbers with each operator at its boundary', () => {
    const at = (op: string, bound: number) => [4, 5, 6].map((n) => matchesPattern({ n }, { n: [{ numeric: [op, bound] }] } as FilterPattern));
    expect(at('=', 5)).toEqual([false, true, false]);
    expect(at('<', 5)).toEqual([true, false, false]);
    expect(at('<=', 5)).toEqual([true, true, false]);
    expect(at('>', 5)).toEqual([false, false, true]);
    expect(at('>=', 5)).toEqual([false, true, true]);
    const range = (lower: string, upper: string) =>
      [4, 5, 6, 7, 8].map((n) => matchesPattern({ n }, { n: [{ numeric: [lower, 5, upper, 7] }] } as FilterPattern));
    expect(range('>', '<')).toEqual([false, false, true, false, false]);
    expect(range('>=', '<')).toEqual([false, true, true, false, false]);
    expect(range('>', '<=')).toEqual([false, false, true, true, false]);
    expect(range('>=', '<=')).toEqual([false, true, true, true, false]);
  });
});
