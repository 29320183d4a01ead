import { StockContentionError, VersionConflictError, WriteContentionError } from '../../core/orders/errors';
import { HOT_PRODUCT_RETRY, ORDER_WRITE_RETRY, retryConflicts, type ConflictRetryPolicy } from '../../core/orders/retry';

/**
 * retryConflicts on its own: the sleep is handed in and Math.random is fixed, so each backoff is known exactly
 * and no test waits for it.
 */
const policy: ConflictRetryPolicy = { attempts: 7, baseDelayMs: 10, maxDelayMs: 100 };

/** The ceiling of the backoff after the n-th conflicting attempt (1-based): exponential, capped. */
const ceiling = (p: ConflictRetryPolicy, attempt: number) => Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** attempt);

/** Runs `work` with the sleeps recorded, Math.random answering `draws` in turn (then its last one). */
async function run<T>(work: () => Promise<T>, p: ConflictRetryPolicy, draws: number[] = [0.5]) {
  const slept: number[] = [];
  const retried: Array<[number, Error]> = [];
  let draw = 0;
  const random = jest.spyOn(Math, 'random').mockImplementation(() => draws[Math.min(draw++, draws.length - 1)]!);
  try {
    const outcome = await retryConflicts(
      work,
      p,
      (attempt, err) => retried.push([attempt, err]),
      async (ms) => void slept.push(ms),
    ).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    return { outcome, slept, retried, draws: draw };
  } finally {
    random.mockRestore();
  }
}

/** Work that conflicts `times` times (a fresh error each time, kept in `thrown`), then answers 'done'. */
function conflicting(times: number, make: (n: number) => Error = (n) => new WriteContentionError([`TransactionConflict#${n}`])) {
  const thrown: Error[] = [];
  const work = jest.fn(async () => {
    if (thrown.length >= times) return 'done';
    const err = make(thrown.length + 1);
    thrown.push(err);
    throw err;
  });
  return { work, thrown };
}

describe('retryConflicts', () => {
  it('waits a random share of a ceiling that doubles with each attempt (full jitter)', async () => {
    const draws = [0.5, 0.25, 0.75, 0.1];
    const { work } = conflicting(4);
    const { outcome, slept, retried } = await run(work, { attempts: 10, baseDelayMs: 10, maxDelayMs: 10_000 }, draws);
    expect(outcome).toEqual({ value: 'done' });
    expect(work).toHaveBeenCalledTimes(5);
    // Ceilings 20, 40, 80, 160 ms: each sleep is its draw's share of the ceiling, nothing more or less.
    expect(slept).toEqual([0.5 * 20, 0.25 * 40, 0.75 * 80, 0.1 * 160]);
    expect(retried.map(([attempt]) => attempt)).toEqual([1, 2, 3, 4]);
  });

  it('grows the ceiling as min(maxDelayMs, baseDelayMs × 2^attempt), held at maxDelayMs once reached', async () => {
    const almostOne = 1 - Number.EPSILON;
    const { work } = conflicting(Infinity);
    const { slept } = await run(work, policy, [almostOne]);
    expect(slept).toEqual([20, 40, 80, 100, 100, 100].map((ceiling) => almostOne * ceiling));
  });

  it('never sleeps past the ceiling, however the draws fall (the default policy, up to its 500 ms)', async () => {
    const draws = [0.999999, 0, 0.999999, 0.3, 0.999999, 0.999999, 0.999999, 0.999999, 0.999999];
    const { work } = conflicting(Infinity, (n) => new StockContentionError([`TransactionConflict#${n}`]));
    const { slept } = await run(work, HOT_PRODUCT_RETRY, draws);
    expect(slept).toHaveLength(HOT_PRODUCT_RETRY.attempts - 1);
    slept.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(ceiling(HOT_PRODUCT_RETRY, i + 1));
    });
    expect(slept.slice(-2)).toEqual([0.999999 * 500, 0.999999 * 500]);
  });

  it('stops after `attempts` tries and rethrows the last contention error', async () => {
    const { work, thrown } = conflicting(Infinity, (n) => (n % 2 ? new WriteContentionError([`W${n}`]) : new StockContentionError([`S${n}`])));
    const { outcome, slept, retried } = await run(work, ORDER_WRITE_RETRY);
    expect(work).toHaveBeenCalledTimes(ORDER_WRITE_RETRY.attempts);
    expect(thrown).toHaveLength(ORDER_WRITE_RETRY.attempts);
    expect((outcome as { error: unknown }).error).toBe(thrown.at(-1));
    // No sleep after the last attempt: the caller hears at once.
    expect(slept).toHaveLength(ORDER_WRITE_RETRY.attempts - 1);
    expect(retried).toEqual(thrown.slice(0, -1).map((err, i) => [i + 1, err]));
  });

  it.each([
    ['a plain error', () => new Error('boom')],
    ['a version conflict (the caller reads again, not this loop)', () => new VersionConflictError('01JORDER00000000000000000A')],
  ])('never retries %s: thrown at once, no sleep', async (_what, make) => {
    const { work, thrown } = conflicting(Infinity, make);
    const { outcome, slept, retried, draws } = await run(work, policy);
    expect((outcome as { error: unknown }).error).toBe(thrown[0]);
    expect(work).toHaveBeenCalledTimes(1);
    expect([slept, retried, draws]).toEqual([[], [], 0]);
  });

  it('gives up at once when a retried write then fails for another reason', async () => {
    const { work, thrown } = conflicting(Infinity, (n) => (n === 1 ? new WriteContentionError(['TransactionConflict']) : new Error('access denied')));
    const { outcome, slept } = await run(work, policy);
    expect((outcome as { error: unknown }).error).toBe(thrown[1]);
    expect(work).toHaveBeenCalledTimes(2);
    expect(slept).toEqual([0.5 * 20]);
  });
});
