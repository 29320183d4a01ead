/** Keys held by requests in flight, with how many requests hold each. */
export class Held {
  private readonly counts = new Map<string, number>();
  has = (key: string) => this.counts.has(key);
  add(keys: readonly string[]) {
    for (const key of keys) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  remove(keys: readonly string[]) {
    for (const key of keys) {
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left > 0) this.counts.set(key, left);
      else this.counts.delete(key);
    }
  }
}

/** `f`, run the first time the result is called and never again. */
export const once = (f: () => void) => {
  let done = false;
  return () => void (done || ((done = true), f()));
};
