import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
// github-slugger 1.x: the same slugs as 2.x (GitHub's), as CommonJS, which jest loads.
import GithubSlugger from 'github-slugger';
import MarkdownIt from 'markdown-it';

/**
 * Every relative link in the README, CONTRIBUTING and docs/ leads somewhere: the file exists, and an anchor names
 * a heading of that file as GitHub slugs it. Links are read with a Markdown parser (markdown-it), so code spans and
 * blocks are not mistaken for links.
 */
const ROOT = path.resolve(__dirname, '..');
const md = new MarkdownIt({ html: true });

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return markdownFiles(file);
    return name.endsWith('.md') ? [file] : [];
  });
}

function anchorsOf(file: string): Set<string> {
  const slugger = new GithubSlugger();
  const tokens = md.parse(readFileSync(file, 'utf8'), {});
  return new Set(tokens.flatMap((t, i) => (t.type === 'heading_open' ? [slugger.slug(tokens[i + 1]!.content)] : [])));
}

function linksOf(file: string): string[] {
  type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];
  const walk = (tokens: Token[]): string[] =>
    tokens.flatMap((t: Token): string[] => [...(t.type === 'link_open' ? [String(t.attrGet('href') ?? '')] : []), ...(t.children ? walk(t.children) : [])]);
  return walk(md.parse(readFileSync(file, 'utf8'), {}));
}

const FILES = [path.join(ROOT, 'README.md'), path.join(ROOT, 'CONTRIBUTING.md'), ...markdownFiles(path.join(ROOT, 'docs'))];

describe('links in the README and docs/', () => {
  it('reads links from every document', () => {
    expect(FILES.flatMap(linksOf).filter((l) => !/^[a-z]+:/.test(l)).length).toBeGreaterThan(10);
  });

  it.each(FILES.map((f) => [path.relative(ROOT, f), f]))('%s: every relative link and anchor resolves', (_, file) => {
    const broken = linksOf(file)
      .filter((href) => !/^[a-z][a-z0-9+.-]*:/i.test(href))
      .flatMap((href) => {
        const [target, anchor] = href.split('#') as [string, string | undefined];
        const resolved = target ? path.resolve(path.dirname(file), decodeURIComponent(target)) : file;
        if (!existsSync(resolved)) return [`${href}: no such file`];
        if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(decodeURIComponent(anchor))) return [`${href}: no such heading`];
        return [];
      });
    expect(broken).toEqual([]);
  });
});

/**
 * The README is the front door (what it is, how to run it, the walk-through, a map of docs/), and depth lives in
 * docs/: a line limit keeps it so. A test count quoted in prose is stale by the next commit, so none is.
 */
const README_MAX_LINES = 200;
const TEST_COUNT = [
  // "598 tests", "598/598 tests", "35 of 36 tests", "12 test suites", "3 passing tests", "1 test"
  /\b\d+(?:,\d{3})*(?:\s*(?:\/|of)\s*\d+(?:,\d{3})*)?\s+(?:(?:passing|passed|failing|green|jest|unit|integration|end-to-end)\s+)?(?:tests?|test\s+(?:files|suites|cases)|suites|specs)\b/gi,
  // jest's own summary: "Tests: 598 passed, 598 total"
  /\b(?:tests|test suites):\s+\d+(?:,\d{3})*\s+(?:passed|failed|total)\b/gi,
];

describe('the README and docs/ stay short and true', () => {
  it(`README.md has at most ${README_MAX_LINES} lines`, () => {
    const lines = readFileSync(path.join(ROOT, 'README.md'), 'utf8').trimEnd().split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('catches a quoted test count', () => {
    const quoted = (text: string) => TEST_COUNT.some((re) => text.match(re) !== null);
    for (const text of [
      '598/598 tests pass',
      'all 35 tests',
      '35 of 36 tests',
      'in 12 test suites',
      '1,204 passing tests',
      'Tests:       598 passed, 598 total',
    ]) {
      expect([text, quoted(text)]).toEqual([text, true]);
    }
    for (const text of [
      '5,000 orders per fault run',
      'each has a test that breaks the graph',
      'test/reliability/restart.test.ts',
      '3 s with 100 units',
      'Node 22, tests also run it',
    ]) {
      expect([text, quoted(text)]).toEqual([text, false]);
    }
  });

  it.each(FILES.map((f) => [path.relative(ROOT, f), f]))('%s: quotes no test count', (_, file) => {
    const text = readFileSync(file, 'utf8');
    expect(TEST_COUNT.flatMap((re) => text.match(re) ?? [])).toEqual([]);
  });
});
