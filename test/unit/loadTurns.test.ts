import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadTurn } from '../support/loadTurns';
import { scratchDir } from '../support/scratch';

/** The load files' turns (test/support/loadTurns.ts) and the order that spaces them out (test/support/sequencer.js). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const LoadSpacedOut = require('../support/sequencer.js') as new (options: object) => {
  sort(tests: FakeTest[]): FakeTest[];
  _cache: Map<object, Record<string, [number, number]>>;
};
interface FakeTest {
  path: string;
  context: { config: { cache: boolean }; hasteFS: { getSize: () => number } };
  duration?: number;
}

const scratch = scratchDir('load-turns');
const context = { config: { cache: false }, hasteFS: { getSize: () => 1 } };
function testFile(name: string, load: boolean): FakeTest {
  const file = path.join(scratch, `${name}.test.ts`);
  writeFileSync(file, load ? "takeLoadTurn();\nit('loads', () => undefined);\n" : "it('is light', () => undefined);\n");
  return { path: file, context };
}
const names = (tests: FakeTest[]) => tests.map((t) => path.basename(t.path, '.test.ts'));

describe('the order of the test files', () => {
  const heavy = ['H1', 'H2', 'H3'].map((name) => testFile(name, true));
  const light = Array.from({ length: 14 }, (_, i) => testFile(`L${String(i).padStart(2, '0')}`, false));

  it('follows each load file with about as much light work as it takes, by the last run’s times', () => {
    const sequencer = new LoadSpacedOut({});
    const times: Record<string, [number, number]> = {};
    Object.assign(times, { [heavy[0]!.path]: [1, 50_000], [heavy[1]!.path]: [1, 30_000], [heavy[2]!.path]: [1, 20_000] });
    light.forEach((t, i) => (times[t.path] = [1, 10_000 - i * 100]));
    sequencer._cache.set(context, times);
    expect(names(sequencer.sort([...light, ...heavy]))).toEqual([
      'H1',
      'L00',
      'L01',
      'L02',
      'L03',
      'L04',
      'L05', // 10 + 9.9 + 9.8 + 9.7 + 9.6 = 49 s < 50 s: one more
      'H2',
      'L06',
      'L07',
      'L08',
      'L09', // 9.4 + 9.3 + 9.2 = 27.9 s < 30 s: one more
      'H3',
      'L10',
      'L11',
      'L12',
      'L13',
    ]);
  });

  it('guesses a minute for a load file and five seconds for a light one when there are no times yet', () => {
    const order = names(new LoadSpacedOut({}).sort([...light, ...heavy]));
    // 12 light files × 5 s cover the first load file's minute; the two light files left go after the second.
    expect(order.flatMap((n, i) => (n.startsWith('H') ? [i] : []))).toEqual([0, 13, 16]);
    expect(order.filter((n) => n.startsWith('L'))).toHaveLength(14);
  });
});

describe('a load turn', () => {
  it('is one at a time: the next is taken only once the one before is given back', async () => {
    const file = path.join(scratch, 'turn');
    const events: string[] = [];
    const first = await loadTurn(file);
    const second = loadTurn(file).then((release) => {
      events.push('second taken');
      return release;
    });
    // A turn that did not wait would be taken within this tick; the second caller is polling for it instead.
    await new Promise((resolve) => setImmediate(resolve));
    events.push('first given back');
    await first();
    await (
      await second
    )();
    expect(events).toEqual(['first given back', 'second taken']);
  });

  it('is taken by every test file that starts a load run', () => {
    const testRoot = path.resolve(__dirname, '..');
    const files = readdirSync(testRoot, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.test.ts'));
    const loadRuns = files.filter((f) => /npmRun\(\s*'loadtest'|'loadtest\/local\/run\.ts'/.test(readFileSync(path.join(testRoot, f), 'utf8')));
    expect(loadRuns.length).toBeGreaterThanOrEqual(4);
    const withoutTurn = loadRuns.filter((f) => !/\btakeLoadTurn\(\)/.test(readFileSync(path.join(testRoot, f), 'utf8')));
    expect(withoutTurn).toEqual([]);
  });
});
