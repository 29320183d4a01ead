import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * docs/local-poller.md's fidelity table says, for each behaviour of Lambda's event source mapping, which test shows
 * it: a letter for the test file and a quoted test name (a trailing … means "starts with"). The table stays true
 * only if every name it quotes is a test in that file and every file it names exists.
 */
const ROOT = path.join(__dirname, '..');
const doc = readFileSync(path.join(ROOT, 'docs/local-poller.md'), 'utf8');
const table = doc.slice(doc.indexOf('## Fidelity'), doc.indexOf('## The dead-letter store'));
const FILES: Record<string, string> = {
  C: 'test/poller/contract.test.ts',
  F: 'test/poller/fidelity.test.ts',
  L: 'test/poller/lanes.test.ts',
  U: 'test/unit/poller.test.ts',
  P: 'test/unit/filterPattern.test.ts',
};
const rows = table.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('|---') && !line.startsWith('| Event source mapping'));

describe('the poller’s fidelity table', () => {
  it('has a row per behaviour, each naming what shows it (or saying nothing does)', () => {
    expect(rows.length).toBeGreaterThan(15);
    for (const row of rows) expect([row, row.split('|').at(-2)!.trim()]).not.toEqual([row, '']);
  });

  it('quotes only tests that exist, in the files its letters stand for', () => {
    const missing: string[] = [];
    for (const row of rows) {
      // One cell may name several tests of one file: C "a", C "b"; F "c".
      for (const [, letter, quoted] of row.matchAll(/\b([CFLUP]) "([^"]+)"/g)) {
        const lines = readFileSync(path.join(ROOT, FILES[letter!]!), 'utf8').split('\n');
        // An ellipsis stands for words left out: the parts around it appear, in order, on one line of the file.
        const parts = quoted!
          .split('…')
          .map((part) => part.trim())
          .filter(Boolean);
        const inOrder = (line: string) => parts.every((part, i) => line.indexOf(part) >= 0 && (i === 0 || line.indexOf(part) > line.indexOf(parts[i - 1]!)));
        if (!lines.some(inOrder)) missing.push(`${letter} "${quoted}" is not a test in ${FILES[letter!]}`);
      }
      for (const [, named] of row.matchAll(/`((?:test|local|core)\/[^`]+\.(?:ts|json))`/g))
        if (!existsSync(path.join(ROOT, named!))) missing.push(`${named} does not exist`);
    }
    expect(missing).toEqual([]);
  });
});
