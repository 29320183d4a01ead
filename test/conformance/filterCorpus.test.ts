import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FilterPatternError,
  matchesAnyPattern,
  matchesPattern,
  validateFilterCriteria,
  validatePattern,
  type FilterPattern,
  type FilterRules,
} from '../../core/filterPattern';

/**
 * The filter grammar against AWS's documentation, as data: each case in filterCorpus.*.json is a pattern (or a
 * mapping's list of patterns), an event, the outcome the cited page states (true, false, or "error" for a pattern
 * AWS refuses or the Lambda guide does not support) and that page's address and section. Outcomes come from the
 * documents, never from this code: a case that fails here is a bug in core/filterPattern.ts or a misread page.
 */
interface Case {
  id: string;
  source: { url: string; section: string };
  note?: string;
  rules?: FilterRules;
  pattern?: unknown;
  patterns?: unknown[];
  event: unknown;
  expect: boolean | 'error';
}

const corpus = readdirSync(__dirname)
  .filter((file) => /^filterCorpus\..+\.json$/.test(file))
  .sort()
  .flatMap((file) => (JSON.parse(readFileSync(join(__dirname, file), 'utf8')) as { cases: Case[] }).cases.map((c) => ({ ...c, file })));

const validate = (c: Case) => (c.patterns ? validateFilterCriteria(c.patterns, c.rules) : validatePattern(c.pattern, c.rules));
const match = (c: Case) =>
  c.patterns ? matchesAnyPattern(c.event, c.patterns as FilterPattern[], c.rules) : matchesPattern(c.event, c.pattern as FilterPattern, c.rules);

/** Every operator key a pattern uses, `$or` included, however deep. */
function operatorsIn(pattern: unknown): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap(operatorsIn);
  if (pattern === null || typeof pattern !== 'object') return [];
  return Object.entries(pattern).flatMap(([key, value]) => [key, ...operatorsIn(value)]);
}

describe('the filter corpus', () => {
  it('has at least 40 cases, each with a unique id, a documented source and an outcome', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    expect(new Set(corpus.map((c) => c.id)).size).toBe(corpus.length);
    for (const c of corpus) {
      expect(c.source.url).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|github\.com\/aws\/event-ruler)\//);
      expect(c.source.section.length).toBeGreaterThan(0);
      expect([true, false, 'error']).toContain(c.expect);
      expect((c.pattern === undefined) !== (c.patterns === undefined)).toBe(true);
    }
  });

  it('covers every operator, $or, arrays, exists on leaves and non-leaves, and refusals', () => {
    const used = new Set(corpus.flatMap((c) => operatorsIn(c.pattern ?? c.patterns)));
    const operators = ['equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'numeric', 'exists', '$or', 'wildcard', 'cidr'];
    expect(operators.filter((operator) => !used.has(operator))).toEqual([]);
    for (const outcome of [true, false, 'error']) expect(corpus.some((c) => c.expect === outcome)).toBe(true);
    expect(corpus.some((c) => c.patterns?.length === 0)).toBe(true);
  });

  describe.each(corpus)('$file: $id', (c) => {
    if (c.expect === 'error') {
      it('is refused when checked, and when matched', () => {
        expect(() => validate(c)).toThrow(FilterPatternError);
        expect(() => match(c)).toThrow(FilterPatternError);
      });
    } else {
      it(`is valid and ${c.expect ? 'matches' : 'does not match'}`, () => {
        expect(() => validate(c)).not.toThrow();
        expect(match(c)).toBe(c.expect);
      });
    }
  });
});
