import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { lock } from 'proper-lockfile';

/**
 * Test files that load the machine (a load run, a flash sale) take turns: jest runs two files at once, and two
 * load runs side by side on 2 cores pushed a rehearsal's latency past its hang bounds (CI, 2026-12-01: the first-deploy
 * gate beside test/loadtest/gate.test.ts, order_e2e_latency p95 10.03 s against 10 s). While one such file runs, the
 * other worker runs the light files; test/support/sequencer.js spaces these files out so that it rarely has to wait.
 *
 * Call once at the top of the file, before its own hooks: the turn is taken before the file starts anything and
 * given back after its tests. A worker that dies leaves a stale lock, taken over after `stale` ms.
 */
/** One lock per checkout: two clones' suites never share a turn (and never run at once here anyway). */
const LOCK_FILE = path.join(os.tmpdir(), `orders-load-turn-${createHash('sha256').update(path.resolve(__dirname, '../..')).digest('hex').slice(0, 12)}`);

/** Waits for the turn (polling every 250 ms, up to 15 minutes: the longest load file takes about two); resolves to its release. */
export function loadTurn(file = LOCK_FILE): Promise<() => Promise<void>> {
  return lock(file, { realpath: false, stale: 30_000, retries: { retries: 3_600, minTimeout: 250, maxTimeout: 250, factor: 1 } });
}

export function takeLoadTurn(): void {
  let release: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    release = await loadTurn();
  }, 15 * 60_000);
  afterAll(async () => {
    await release?.();
  });
}
