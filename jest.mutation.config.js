const base = require('./jest.config');

/**
 * The tests `npm run test:mutation` runs against each mutant (stryker.config.mjs): the pure ones, the guard rules',
 * and those that talk to DynamoDB Local and cognito-local over the network (the processor's, the auth matrix, the
 * API's quicker suites), which test/mutation/run.ts starts once for all mutants, so there is no globalSetup here.
 * Left out: the files that spawn processes (a child process never runs the mutant); the entry point's test, which
 * loads the whole processor inside its tests, so Stryker would count every module-level value as covered by it
 * alone; and, for time, the API's slower suites (traces, shutdown, the generated client).
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
    '<rootDir>/test/loadtest/{lib,verdicts,verdictEdges,k6Thresholds}.test.ts',
    '<rootDir>/test/security/auth.test.ts',
    '<rootDir>/test/processor/{handler,handlerOutput}.test.ts',
    // The routes, through the whole app over HTTP (test/support/api.ts builds it inside each test, where Stryker
    // sees it): the endpoints', the limits', the races', the key expiry's, the platform's and the edge's suites, a
    // few seconds each; the API's slower suites, traces and shutdown, stay out for time.
    '<rootDir>/test/api/{orders,products,orderLimits,cancelRaces,idempotencyExpiry,platform,edge}.test.ts',
    // The guard rules: on the stack graph the program records under mocks (in process, a few seconds a run), and on
    // small graphs built by hand for the edges that graph does not have.
    '<rootDir>/test/infra/{rules,*Rules}.test.ts',
  ],
  testSequencer: '<rootDir>/test/mutation/sequencer.js',
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/ports.test.ts'],
};
