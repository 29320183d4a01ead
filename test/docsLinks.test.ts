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
