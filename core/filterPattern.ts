/**
 * The subset of Lambda/EventBridge filter-pattern matching our mapping uses: nested objects, and arrays of
 * literal values meaning "one of these". A record matches a pattern when every key in the pattern matches;
 * it matches the criteria when it matches any pattern (Lambda ORs up to five).
 */
export type FilterPattern = { readonly [key: string]: FilterPattern | ReadonlyArray<string | number | boolean | null> };

export function matchesPattern(value: unknown, pattern: FilterPattern): boolean {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) => {
    if (!(key in record)) return false;
    const actual = record[key];
    if (Array.isArray(expected)) return expected.some((literal) => literal === actual);
    return matchesPattern(actual, expected as FilterPattern);
  });
}

export const matchesAnyPattern = (value: unknown, patterns: ReadonlyArray<Record<string, unknown>>): boolean =>
  patterns.some((pattern) => matchesPattern(value, pattern as FilterPattern));
