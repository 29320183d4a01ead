const base = require('./jest.config');

/**
 * The tests `npm run test:mutation` runs against each mutant (stryker.config.mjs): the pure ones, the guard rules',
 * and the processor's and the auth matrix's, which talk to DynamoDB Local and cognito-local over the network
 * (test/mutation/run.ts starts them once for all mutants, so there is no globalSetup here). Left out: the files that spawn processes (a child
 * process never runs the mutant); the entry point's test, which loads the whole processor inside its tests, so
 * Stryker would count every module-level value as covered by it alone; and, for time, the API suites (test/api).
 * docs/testing.md#mutation-testing says what that leaves unmeasured.
 */
/** @type {import('jest').Config} */
module.exports = {
  ...base,
  globalSetup: undefined,
  globalTeardown: undefined,
  setupFilesAfterEnv: [],
  testMatch: [
    '<rootDir>/test/unit/*.test.ts',
    '<rootDir>/test/conformance/*.test.ts',
    '<rootDir>/test/loadtest/{lib,verdicts}.test.ts',
    '<rootDir>/test/security/auth.test.ts',
    '<rootDir>/test/processor/{handler,handlerOutput}.test.ts',
    // The guard rules, on the stack graph the program records under mocks (in process, a few seconds a run).
    '<rootDir>/test/infra/rules.test.ts',
  ],
  testSequencer: '<rootDir>/test/mutation/sequencer.js',
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/ports.test.ts'],
};
