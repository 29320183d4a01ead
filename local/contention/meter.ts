/**
 * Capacity units consumed per partition over the last second, against DynamoDB's per-partition ceiling (1,000
 * write units and 3,000 read units a second, in either capacity mode).
 *
 * An approximation of AWS, documented where it is used (local/contention/README.md): one partition key value is one
 * partition (AWS may hold several keys in one partition, or split one key's items for heat); the window is a sliding
 * second with no burst credit; a request is admitted or refused on what its partition consumed before it, and its
 * own units (what DynamoDB Local reports through ReturnConsumedCapacity) are counted once it is answered.
 */
export type Direction = 'read' | 'write';

export interface PartitionLimits {
  readUnitsPerSecond: number;
  writeUnitsPerSecond: number;
}

export const AWS_PARTITION_LIMITS: PartitionLimits = { readUnitsPerSecond: 3000, writeUnitsPerSecond: 1000 };

const WINDOW_MS = 1000;

interface Window {
  entries: Array<{ at: number; units: number }>;
  total: number;
}

export class PartitionMeter {
  private readonly windows = new Map<string, Window>();
  private added = 0;

  constructor(
    private readonly limits: PartitionLimits,
    private readonly now: () => number,
  ) {}

  /** True when the partition has already consumed its second's worth in this direction. */
  isHot(partition: string, direction: Direction): boolean {
    const window = this.windows.get(`${direction}:${partition}`);
    if (!window) return false;
    this.trim(window);
    return window.total >= (direction === 'read' ? this.limits.readUnitsPerSecond : this.limits.writeUnitsPerSecond);
  }

  add(partition: string, direction: Direction, units: number): void {
    if (!(units > 0)) return;
    const key = `${direction}:${partition}`;
    let window = this.windows.get(key);
    if (!window) this.windows.set(key, (window = { entries: [], total: 0 }));
    window.entries.push({ at: this.now(), units });
    window.total += units;
    // Now and then, forget partitions that have been quiet for a second.
    if (++this.added % 10_000 === 0) {
      for (const [k, w] of this.windows) {
        this.trim(w);
        if (w.entries.length === 0) this.windows.delete(k);
      }
    }
  }

  private trim(window: Window): void {
    const since = this.now() - WINDOW_MS;
    let drop = 0;
    while (drop < window.entries.length && (window.entries[drop]?.at ?? 0) <= since) window.total -= window.entries[drop++]?.units ?? 0;
    if (drop > 0) window.entries.splice(0, drop);
    if (window.entries.length === 0) window.total = 0;
  }
}
