/**
 * Lambda event filtering, the grammar AWS documents for event source mapping filter criteria ("Filter rule
 * syntax" in the Lambda developer guide): a pattern mirrors the event's shape; at each leaf an array of
 * conditions, any of which may match (OR); keys of one object must all match (AND); `$or` ORs whole
 * sub-patterns. A condition is a literal (string, number, boolean, null; "" is the empty string), or one
 * operator: `equals-ignore-case`, `prefix`, `suffix`, `anything-but` (a value or a list of them), `numeric`
 * (`=` or a range of `<`, `<=`, `>`, `>=`), `exists`. Where the event holds an array, the condition matches if
 * any element does. The same function decides locally (the poller) and in AWS (the processor re-checks what
 * Lambda delivered), so an operator this module does not know is an error, never a silent "no match".
 */
export type Literal = string | number | boolean | null;
type Comparison = '<' | '<=' | '>' | '>=';

export type Condition =
  | Literal
  | { 'equals-ignore-case': string }
  | { prefix: string }
  | { suffix: string }
  | { 'anything-but': Literal | readonly Literal[] }
  | { numeric: readonly (Comparison | '=' | number)[] }
  | { exists: boolean };

export interface FilterPattern {
  readonly [key: string]: FilterPattern | readonly Condition[] | readonly FilterPattern[];
}

export class FilterPatternError extends Error {
  override readonly name = 'FilterPatternError';
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function compare(actual: number, op: string, bound: unknown): boolean {
  if (typeof bound !== 'number') throw new FilterPatternError(`numeric: ${JSON.stringify(bound)} is not a number`);
  switch (op) {
    case '=':
      return actual === bound;
    case '<':
      return actual < bound;
    case '<=':
      return actual <= bound;
    case '>':
      return actual > bound;
    case '>=':
      return actual >= bound;
    default:
      throw new FilterPatternError(`numeric: unknown comparison ${JSON.stringify(op)}`);
  }
}

/** One condition against one present value (not an array: the caller spreads arrays). */
function matchesValue(actual: unknown, condition: Condition): boolean {
  if (!isObject(condition)) return actual === condition;
  const keys = Object.keys(condition);
  if (keys.length !== 1) throw new FilterPatternError(`a condition has exactly one operator, got ${JSON.stringify(condition)}`);
  const [operator] = keys as [string];
  const operand = (condition as Record<string, unknown>)[operator];
  switch (operator) {
    case 'equals-ignore-case':
      return typeof actual === 'string' && typeof operand === 'string' && actual.toLowerCase() === operand.toLowerCase();
    case 'prefix':
      return typeof actual === 'string' && typeof operand === 'string' && actual.startsWith(operand);
    case 'suffix':
      return typeof actual === 'string' && typeof operand === 'string' && actual.endsWith(operand);
    case 'anything-but': {
      const excluded = Array.isArray(operand) ? operand : [operand];
      if (excluded.some(isObject)) throw new FilterPatternError(`anything-but: only literal values are supported, got ${JSON.stringify(operand)}`);
      return !excluded.includes(actual as Literal);
    }
    case 'numeric': {
      if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4))
        throw new FilterPatternError(`numeric: expected [op, n] or [op, n, op, n], got ${JSON.stringify(operand)}`);
      // The pattern is checked whatever the value, so a bad pattern fails on the first record, not on some later one.
      const probe = typeof actual === 'number' ? actual : 0;
      const first = compare(probe, String(operand[0]), operand[1]);
      const second = operand.length === 2 || compare(probe, String(operand[2]), operand[3]);
      return typeof actual === 'number' && first && second;
    }
    case 'exists':
      throw new FilterPatternError('exists is checked on the key, not on a value');
    default:
      throw new FilterPatternError(`unknown filter operator ${JSON.stringify(operator)}`);
  }
}

function matchesConditions(present: boolean, actual: unknown, conditions: readonly Condition[]): boolean {
  if (conditions.length === 0) throw new FilterPatternError('an empty condition list matches nothing: leave the key out instead');
  return conditions.some((condition) => {
    if (isObject(condition) && 'exists' in condition) {
      if (typeof condition.exists !== 'boolean') throw new FilterPatternError(`exists: expected true or false, got ${JSON.stringify(condition.exists)}`);
      // Exists applies to leaves: a key holding an object or array still "exists".
      return condition.exists === present;
    }
    if (!present) return false;
    return Array.isArray(actual) ? actual.some((element) => matchesValue(element, condition)) : matchesValue(actual, condition);
  });
}

export function matchesPattern(value: unknown, pattern: FilterPattern): boolean {
  if (!isObject(pattern)) throw new FilterPatternError(`a pattern is an object, got ${JSON.stringify(pattern)}`);
  const record = isObject(value) ? value : {};
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') {
      if (!Array.isArray(expected) || expected.length < 2 || !expected.every(isObject))
        throw new FilterPatternError('$or takes a list of two or more patterns');
      return (expected as readonly FilterPattern[]).some((alternative) => matchesPattern(value, alternative));
    }
    const present = Object.prototype.hasOwnProperty.call(record, key);
    if (Array.isArray(expected)) return matchesConditions(present, record[key], expected as readonly Condition[]);
    if (!isObject(expected)) throw new FilterPatternError(`${key}: expected a list of conditions or a nested pattern, got ${JSON.stringify(expected)}`);
    // A missing parent has no leaves: only `exists: false` conditions below it can match.
    return matchesPattern(present ? record[key] : undefined, expected as FilterPattern);
  });
}

/** Lambda ORs the patterns of a mapping's filter criteria (up to five). */
export const matchesAnyPattern = (value: unknown, patterns: readonly FilterPattern[]): boolean => patterns.some((pattern) => matchesPattern(value, pattern));
