const { readFileSync } = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

/** The files that take turns under load (test/support/loadTurns.ts). */
const takesLoadTurns = (test) => /\btakeLoadTurn\(\)/.test(readFileSync(test.path, 'utf8'));

/**
 * jest's order (failed first, then slowest first, from its cache of the last run) with the load files spaced out:
 * each is followed by about as much time of light files as it takes, so the other worker is busy with those while it
 * runs and the next load file rarely waits for its turn. Without a cache (a fresh machine), a load file is guessed
 * at a minute and a light one at five seconds; a wrong guess costs time, never correctness (the turns still hold).
 */
class LoadSpacedOut extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const load = ordered.filter(takesLoadTurns);
    const light = ordered.filter((test) => !load.includes(test));
    const duration = (test, guess) => test.duration ?? guess;
    const spaced = [];
    for (const test of load) {
      spaced.push(test);
      const span = duration(test, 60_000);
      for (let covered = 0; covered < span && light.length > 0;) {
        const next = light.shift();
        spaced.push(next);
        covered += duration(next, 5_000);
      }
    }
    return [...spaced, ...light];
  }
}

module.exports = LoadSpacedOut;
