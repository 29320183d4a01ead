/**
 * Runs tasks concurrently, at most `concurrency` at a time, except that tasks with the same key run one after
 * another in the order they were submitted. The processor keys records by order id: records of different
 * orders are decided in parallel, an order's own records (its INSERT, then its cancel) never overtake.
 */
export function orderedByKey(concurrency: number) {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  const tails = new Map<string, Promise<unknown>>();
  const waiting: Array<() => void> = [];
  let active = 0;

  const withSlot = async <T>(task: () => Promise<T>): Promise<T> => {
    while (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };

  return function run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    // A failed predecessor does not stop its successor from running: the caller decides what that means.
    const next = previous.then(
      () => withSlot(task),
      () => withSlot(task),
    );
    tails.set(key, next);
    // The last task of a key forgets the key, so the map holds only keys with work in flight.
    const forget = () => void (tails.get(key) === next && tails.delete(key));
    next.then(forget, forget);
    return next;
  };
}
