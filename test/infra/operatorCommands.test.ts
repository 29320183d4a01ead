import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Every `npm run <script>` the program, the pipeline scripts and the docs tell an operator to run names a script
 * package.json has: a refusal that names a command which does not exist leaves the operator with nothing to run.
 */
const ROOT = path.resolve(__dirname, '../..');
const scripts = Object.keys((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(rel, ext);
    return ext.test(entry.name) ? [rel] : [];
  });
}

const SOURCES = [
  ...filesUnder('infra', /\.ts$/),
  ...filesUnder('scripts', /\.(ts|mjs)$/),
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f)),
  'README.md',
];

/**
 * The script names a text tells to run. A mention may wrap onto the next line (in a comment, after its `*` or
 * `//`), and may pass npm flags before the name; `release:*` stands for the scripts it matches.
 */
function npmRunNames(text: string): string[] {
  const joined = text.replace(/\n[ \t]*(?:\/\/|\*(?!\/))?/g, ' ');
  return [...joined.matchAll(/\bnpm\s+run\s+(?:(?:--silent|-s)\s+)*([a-z][\w:.*-]*)/g)].map((m) => m[1]!.replace(/[.:]+$/, ''));
}

const matches = (name: string) =>
  name.includes('*') ? scripts.some((s) => new RegExp(`^${name.replace(/[.]/g, '\\.').replace(/\*/g, '.+')}$`).test(s)) : scripts.includes(name);

describe('npm run commands the operator is told to run', () => {
  const mentions = SOURCES.flatMap((file) => npmRunNames(readFileSync(path.join(ROOT, file), 'utf8')).map((name) => ({ file, name })));

  it('finds the mentions it checks (wrapped ones and flags before the name included)', () => {
    expect(npmRunNames('run `npm run --silent release:manifest -- --out x`, then `npm run\n  cost`; see npm run trace.')).toEqual([
      'release:manifest',
      'cost',
      'trace',
    ]);
    expect(npmRunNames('/**\n * the manifest (`npm\n * run release:*`) and `npm run bench\\`')).toEqual(['release:*', 'bench']);
    expect(mentions.length).toBeGreaterThan(50);
    expect(new Set(mentions.map((m) => m.file)).size).toBeGreaterThan(10);
  });

  it('names only scripts package.json has', () => {
    const unknown = mentions.filter((m) => !matches(m.name)).map((m) => `${m.file}: npm run ${m.name}`);
    expect(unknown).toEqual([]);
  });
});
