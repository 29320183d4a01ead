const Sequencer = require('@jest/test-sequencer').default;

/**
 * Pure test files first, then those that start an app against the stand-ins: a mutant run stops at the first failing
 * file (Stryker runs jest with bail), and jest's own order (slowest first) would start every run with the slow files.
 */
const SLOW = /\/test\/(api|security|processor|infra)\//;

class PureFirst extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => Number(SLOW.test(a.path)) - Number(SLOW.test(b.path)) || a.path.localeCompare(b.path));
  }
}

module.exports = PureFirst;
