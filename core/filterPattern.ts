/**
 * Lambda event filtering, the grammar of event source mapping filter criteria ("Filter rule syntax" in the Lambda
 * developer guide, which defers to EventBridge and so to aws/event-ruler): a pattern mirrors the event's shape; at
 * each leaf a list of conditions, any of which may match (OR); keys of one object must all match (AND); `$or` ORs
 * sub-patterns. A condition is a JSON literal or one of the operators the guide lists as "all the comparison
 * operators available for Lambda event filtering": `equals-ignore-case`, `prefix`, `suffix` (each a string),
 * `anything-but` (a string, a number, or a list of only strings or only numbers), `numeric`, `exists`. EventBridge's
 * further forms (`wildcard`, `cidr`, `prefix`/`suffix`/`anything-but` over an object) are refused. As event-ruler:
 * - only leaves (strings, numbers, booleans, null) are values: a key holding an object (a DynamoDB `M`, an image)
 *   is an intermediate node, so `exists: true` never matches it and `exists: false` does;
 * - arrays are flattened: a condition matches if any element does, and a nested pattern under an array of objects
 *   (a DynamoDB `L` of `M` or of `S`) matches if one element matches all of it (event-ruler's rulesForJSONEvent);
 *   `exists: false` under an array holds when no element has the field;
 * - literals compare by JSON type and value: the string "300" is not the number 300; "300", "300.0" and "3.0e2"
 *   differ. An event's JSON numbers arrive here parsed: 300 and 3.0e2 in one are the same number (as for `numeric`);
 * - a malformed or unsupported pattern is a FilterPatternError, checked as a whole before any matching, never a
 *   silent "no match": the same function decides locally (the poller) and in AWS (the processor re-checks).
 */
export type Literal = string | number | boolean | null;

export type Condition =
  | Literal
  | { 'equals-ignore-case': string }
  | { prefix: string }
  | { suffix: string }
  | { 'anything-but': string | number | readonly string[] | readonly number[] }
  | { numeric: readonly ('=' | '<' | '<=' | '>' | '>=' | number)[] }
  | { exists: boolean };

export interface FilterPattern {
  readonly [key: string]: FilterPattern | readonly Condition[] | readonly FilterPattern[];
}

/** Rules of one event source's page in the Lambda guide: DynamoDB mappings filter only on `dynamodb` and support no `numeric`. */
export type FilterRules = { eventSource?: 'dynamodb' };

export class FilterPatternError extends Error {
  override readonly name = 'FilterPatternError';
  constructor(
    message: string,
    /** Where in the pattern, as a dotted path ('' for the pattern itself). */
    readonly path = '',
  ) {
    super(message);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v) ?? String(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const SIGNS: Record<string, readonly number[]> = { '=': [0], '<': [-1], '<=': [-1, 0], '>': [1], '>=': [1, 0] };
const compare = (a: number, op: unknown, b: number) => SIGNS[op as string]?.includes(Math.sign(a - b)) === true;

export const MAX_FILTERS = 5; // Lambda's default quota of filters per event source mapping (at most 10 on request)

const notForLambda = (operator: string, operand: unknown, path: string) =>
  new FilterPatternError(`${operator} over ${show(operand)}: an EventBridge form the Lambda guide does not list for event filtering`, path);

function checkNumeric(operand: unknown, path: string): void {
  const fail = (why: string) => new FilterPatternError(`numeric: ${why}, got ${show(operand)}`, path);
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) throw fail('expected [op, n] or [">"|">=", n, "<"|"<=", n]');
  const [op, bound, upperOp, upper] = operand as unknown[];
  for (const o of operand.length === 2 ? [op] : [op, upperOp])
    if (!Object.hasOwn(SIGNS, String(o))) throw new FilterPatternError(`numeric: unknown comparison ${show(o)}`, path);
  if (!isFiniteNumber(bound) || (operand.length === 4 && !isFiniteNumber(upper))) throw fail('bounds must be numbers');
  if (operand.length === 4) {
    if (!['>', '>='].includes(op as string) || !['<', '<='].includes(upperOp as string))
      throw fail('a range is a lower bound (> or >=) then an upper one (< or <=)');
    if (bound >= (upper as number)) throw fail('the lower bound must be less than the upper one');
  }
}

function checkAnythingBut(operand: unknown, path: string): void {
  if (isObject(operand)) throw notForLambda('anything-but', operand, path);
  const values: unknown[] = Array.isArray(operand) ? operand : [operand];
  const strings = values.every((v) => typeof v === 'string');
  if (values.length === 0 || !(strings || values.every(isFiniteNumber)))
    throw new FilterPatternError(`anything-but: expected a string, a number, or a list of only strings or only numbers, got ${show(operand)}`, path);
}

function checkCondition(condition: unknown, path: string, rules: FilterRules): void {
  if (condition === null || typeof condition === 'string' || typeof condition === 'boolean' || isFiniteNumber(condition)) return;
  if (!isObject(condition)) throw new FilterPatternError(`a condition is a JSON literal or an operator, got ${String(condition)}`, path);
  const keys = Object.keys(condition);
  if (keys.length !== 1) throw new FilterPatternError(`a condition has exactly one operator, got ${show(condition)}`, path);
  const [operator] = keys as [string];
  const operand = condition[operator];
  switch (operator) {
    case 'equals-ignore-case':
    case 'prefix':
    case 'suffix':
      if (isObject(operand)) throw notForLambda(operator, operand, path);
      if (typeof operand !== 'string') throw new FilterPatternError(`${operator}: expected a string, got ${show(operand)}`, path);
      return;
    case 'anything-but':
      return checkAnythingBut(operand, path);
    case 'numeric':
      if (rules.eventSource === 'dynamodb')
        throw new FilterPatternError('numeric: DynamoDB event filtering does not support numeric operators (a record holds numbers as strings)', path);
      return checkNumeric(operand, path);
    case 'exists':
      if (typeof operand !== 'boolean') throw new FilterPatternError(`exists: expected true or false, got ${show(operand)}`, path);
      return;
    default:
      throw new FilterPatternError(`unknown filter operator ${show(operator)}`, path);
  }
}

function checkObject(pattern: unknown, path: string, rules: FilterRules, top: boolean): void {
  if (!isObject(pattern)) throw new FilterPatternError(`a pattern is an object, got ${show(pattern)}`, path);
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new FilterPatternError('an empty pattern object is not allowed', path);
  for (const key of keys) {
    const expected = pattern[key];
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(expected) || expected.length < 2 || !expected.every(isObject))
        throw new FilterPatternError('$or takes a list of two or more patterns', at);
      expected.forEach((alternative) => checkObject(alternative, path, rules, top));
      continue;
    }
    if (top && rules.eventSource === 'dynamodb' && key !== 'dynamodb')
      throw new FilterPatternError(`${show(key)}: DynamoDB event source mappings only support filtering on the "dynamodb" key`, at);
    if (Array.isArray(expected)) {
      if (expected.length === 0) throw new FilterPatternError('an empty condition list matches nothing: leave the key out instead', at);
      expected.forEach((condition) => checkCondition(condition, at, rules));
    } else if (isObject(expected)) checkObject(expected, at, rules, false);
    else throw new FilterPatternError(`${key}: expected a list of conditions or a nested pattern, got ${show(expected)}`, at);
  }
}

/** A pattern without `$or`, whose condition lists are either only `exists: false` or hold no `exists: false`. */
interface Rule {
  readonly [key: string]: Rule | readonly Condition[];
}

const isAbsence = (c: Condition) => isObject(c) && 'exists' in c && c.exists === false;

/** One rule per way through the `$or`s (event-ruler compiles a pattern the same way). */
function expand(pattern: FilterPattern, path = ''): Rule[] {
  let ways: Rule[] = [{}];
  const combine = (alternatives: Rule[]) => (ways = ways.flatMap((way) => alternatives.map((alternative) => merge(way, alternative, path))));
  for (const [key, expected] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') combine((expected as readonly FilterPattern[]).flatMap((alternative) => expand(alternative, path)));
    else if (!Array.isArray(expected)) combine(expand(expected as FilterPattern, at).map((rule) => ({ [key]: rule })));
    else {
      const conditions = expected as readonly Condition[];
      const absent = conditions.filter(isAbsence);
      const present = conditions.filter((c) => !isAbsence(c));
      combine([...(absent.length ? [{ [key]: absent }] : []), ...(present.length ? [{ [key]: present }] : [])]);
    }
  }
  return ways;
}

function merge(a: Rule, b: Rule, path: string): Rule {
  const merged: Record<string, Rule | readonly Condition[]> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = merged[key];
    if (mine === undefined) merged[key] = value;
    else if (Array.isArray(mine) || Array.isArray(value))
      throw new FilterPatternError(`${key}: conditions given both inside and outside a $or; event-ruler would keep only one`, path ? `${path}.${key}` : key);
    else merged[key] = merge(mine as Rule, value as Rule, path ? `${path}.${key}` : key);
  }
  return merged;
}

/** Whether a rule needs some field to be present (anything but `exists: false`): such a rule picks one array element. */
const needsPresence = (rule: Rule): boolean =>
  Object.values(rule).some((value) => (Array.isArray(value) ? !(value as readonly Condition[]).every(isAbsence) : needsPresence(value as Rule)));

const compiled = new WeakMap<object, Map<string, Rule[]>>();

function compile(pattern: FilterPattern, rules: FilterRules): Rule[] {
  const key = rules.eventSource ?? '';
  const cached = isObject(pattern) ? compiled.get(pattern)?.get(key) : undefined;
  if (cached) return cached;
  checkObject(pattern, '', rules, true);
  const expanded = expand(pattern);
  compiled.set(pattern, (compiled.get(pattern) ?? new Map<string, Rule[]>()).set(key, expanded));
  return expanded;
}

/** Throws a FilterPatternError if the pattern is malformed or uses what Lambda does not support; returns it checked. */
export function validatePattern(pattern: unknown, rules: FilterRules = {}): FilterPattern {
  compile(pattern as FilterPattern, rules);
  return pattern as FilterPattern;
}

/** A mapping's filter criteria: each pattern valid, and no more than the default quota of filters. */
export function validateFilterCriteria(patterns: readonly unknown[], rules: FilterRules = {}, maxFilters = MAX_FILTERS): readonly FilterPattern[] {
  if (patterns.length > maxFilters) throw new FilterPatternError(`${patterns.length} filters: a mapping takes at most ${maxFilters}`);
  return patterns.map((pattern) => validatePattern(pattern, rules));
}

/** The leaf values under a key: arrays flattened, objects (intermediate nodes) dropped. */
function leavesOf(value: unknown): unknown[] {
  const values: unknown[] = value === undefined ? [] : Array.isArray(value) ? value.flat(Infinity) : [value];
  return values.filter((v) => !isObject(v) && !Array.isArray(v));
}

function matchesValue(actual: unknown, condition: Condition): boolean {
  if (!isObject(condition)) return actual === condition;
  if ('equals-ignore-case' in condition) return typeof actual === 'string' && actual.toLowerCase() === condition['equals-ignore-case'].toLowerCase();
  if ('prefix' in condition) return typeof actual === 'string' && actual.startsWith(condition.prefix);
  if ('suffix' in condition) return typeof actual === 'string' && actual.endsWith(condition.suffix);
  if ('anything-but' in condition) {
    const excluded: readonly unknown[] = Array.isArray(condition['anything-but']) ? condition['anything-but'] : [condition['anything-but']];
    return !excluded.includes(actual);
  }
  if ('numeric' in condition) {
    const [op, bound, upperOp, upper] = condition.numeric;
    return typeof actual === 'number' && compare(actual, op, bound as number) && (upperOp === undefined || compare(actual, upperOp, upper as number));
  }
  return false; // `exists` is decided on the list of leaves, never on one value
}

function matchesLeaves(leaves: readonly unknown[], conditions: readonly Condition[]): boolean {
  return conditions.some((condition) =>
    isObject(condition) && 'exists' in condition ? condition.exists === leaves.length > 0 : leaves.some((leaf) => matchesValue(leaf, condition)),
  );
}

function matchesRule(node: unknown, rule: Rule): boolean {
  if (Array.isArray(node)) {
    const elements = node.flat(Infinity);
    // A rule that needs a field present is met by one element; a rule of absences only, by the lack of the field in all.
    return needsPresence(rule) ? elements.some((element) => matchesRule(element, rule)) : elements.every((element) => matchesRule(element, rule));
  }
  const fields = isObject(node) ? node : {};
  return Object.entries(rule).every(([key, expected]) =>
    Array.isArray(expected) ? matchesLeaves(leavesOf(fields[key]), expected as readonly Condition[]) : matchesRule(fields[key], expected as Rule),
  );
}

export function matchesPattern(value: unknown, pattern: FilterPattern, rules: FilterRules = {}): boolean {
  return compile(pattern, rules).some((rule) => matchesRule(value, rule));
}

/** Lambda ORs the patterns of a mapping's filter criteria; a mapping without filter criteria delivers every record. */
export function matchesAnyPattern(value: unknown, patterns: readonly FilterPattern[], rules: FilterRules = {}): boolean {
  if (patterns.length === 0) return true;
  const compiledPatterns = patterns.map((pattern) => compile(pattern, rules));
  return compiledPatterns.some((alternatives) => alternatives.some((rule) => matchesRule(value, rule)));
}
