import { StockContentionError } from '../../core/orders/errors';
import { retryConflicts } from '../../core/orders/retry';
import { orderedByKey } from '../../processor/src/orderedByKey';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('orderedByKey', () => {
  it('takes a concurrency of one (one task at a time), and refuses less or a fraction', async () => {
    expect(() => orderedByKey(0)).toThrow('concurrency must be a positive integer, got 0');
    expect(() => orderedByKey(1.5)).toThrow('concurrency must be a positive integer, got 1.5');
    const run = orderedByKey(1);
    let active = 0;
    let peak = 0;
    const task = async () => {
      peak = Math.max(peak, ++active);
      await tick(1);
      active--;
    };
    await Promise.all(['a', 'b', 'c'].map((key) => run(key, task)));
    expect(peak).toBe(1);
  });

  it('runs different keys in parallel up to the limit, and one key’s tasks in submission order', async () => {
    const run = orderedByKey(3);
    let active = 0;
    let peak = 0;
    const log: string[] = [];
    const task = (key: string, n: number, ms: number) => () =>
      (async () => {
        active++;
        peak = Math.max(peak, active);
        log.push(`start ${key}${n}`);
        await tick(ms);
        log.push(`end ${key}${n}`);
        active--;
      })();
    await Promise.all([
      run('a', task('a', 1, 30)),
      run('a', task('a', 2, 1)),
      run('b', task('b', 1, 5)),
      run('c', task('c', 1, 5)),
      run('d', task('d', 1, 5)),
      run('e', task('e', 1, 5)),
    ]);
    expect(peak).toBe(3);
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1')); // a2 waited for a1, though shorter
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1')); // b did not wait for a
  });

  it('runs a successor after a failed predecessor and reports each outcome to its own caller', async () => {
    const run = orderedByKey(2);
    const first = run('k', async () => Promise.reject(new Error('first failed')));
    const second = run('k', async () => 'second ran');
    await expect(first).rejects.toThrow('first failed');
    await expect(second).resolves.toBe('second ran');
  });

  it('refuses a concurrency below one', () => {
    expect(() => orderedByKey(0)).toThrow(/positive integer/);
  });
});

describe('retryConflicts', () => {
  const policy = { attempts: 4, baseDelayMs: 10, maxDelayMs: 40 };
  const noSleep = async () => undefined;

  it('retries transaction conflicts until the work succeeds, counting each retry', async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await retryConflicts(
      async () => {
        if (++calls < 3) throw new StockContentionError(['None', 'TransactionConflict']);
        return 'reserved';
      },
      policy,
      (attempt) => retries.push(attempt),
      noSleep,
    );
    expect(result).toBe('reserved');
    expect(retries).toEqual([1, 2]);
  });

  it('gives up after the last attempt, and never retries other errors', async () => {
    let calls = 0;
    await expect(
      retryConflicts(async () => Promise.reject(new StockContentionError(['TransactionConflict'])).finally(() => calls++), policy, undefined, noSleep),
    ).rejects.toThrow(/TransactionConflict/);
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      retryConflicts(async () => Promise.reject(new Error('ValidationException')).finally(() => calls++), policy, undefined, noSleep),
    ).rejects.toThrow('ValidationException');
    expect(calls).toBe(1);
  });

  it('waits a jittered, capped, growing delay', async () => {
    const waits: number[] = [];
    await retryConflicts(
      async () => Promise.reject(new StockContentionError(['TransactionConflict'])),
      policy,
      undefined,
      async (ms) => void waits.push(ms),
    ).catch(() => undefined);
    expect(waits).toHaveLength(3);
    waits.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(Math.min(40, 10 * 2 ** (i + 1)));
    });
  });
});
