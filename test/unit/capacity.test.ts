import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { publishCapacity, readCapacity } from '../../local/capacity';
import { eventually } from '../support/pipeline';
import { scratchDir } from '../support/scratch';

const dir = scratchDir('capacity');

/**
 * `npm run loadtest` reads the tally `npm start` publishes while it is being rewritten: from another thread,
 * reading as fast as it can, it must never see a torn file (a load run would then report no cost at all).
 */
it('a reader in another thread never sees a half-written tally', async () => {
  const file = path.join(dir, 'tally.json');
  const tally = { write: 0, read: 0 };
  const unpublish = publishCapacity(tally, file, 1);
  const grow = setInterval(() => {
    tally.write += 1.5;
    tally.read += 0.5;
  }, 1);
  const reader = new Worker(
    `const { readFileSync } = require('node:fs');
     const { parentPort, workerData } = require('node:worker_threads');
     let reads = 0, torn = 0;
     const until = Date.now() + 1500;
     while (Date.now() < until) {
       reads++;
       try { JSON.parse(readFileSync(workerData, 'utf8')); } catch { torn++; }
     }
     parentPort.postMessage({ reads, torn });`,
    { eval: true, workerData: file },
  );
  const { reads, torn } = await new Promise<{ reads: number; torn: number }>((resolve, reject) => reader.once('message', resolve).once('error', reject));
  clearInterval(grow);
  expect(reads).toBeGreaterThan(1000);
  expect(torn).toBe(0);
  await eventually(async () => JSON.stringify(readCapacity(file)) === JSON.stringify(tally), 5_000, 'the last tally published');
  expect(readdirSync(dir)).toEqual(['tally.json']);
  // A stopped stack leaves no file behind: a reader finds no tally.
  unpublish();
  expect(readdirSync(dir)).toEqual([]);
  expect(readCapacity(file)).toBeUndefined();
});
