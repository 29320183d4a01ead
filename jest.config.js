/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Type-checking is `npm run typecheck`'s job; swc only strips types, so tests start fast.
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  // ESM-only packages used by tests are compiled to CommonJS like our own files.
  transformIgnorePatterns: ['/node_modules/(?!@seriousme/)'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // DynamoDB Local and cognito-local are started once for the whole run; each test file makes its own table.
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  // Records the AWS calls of the API and the processor for the IAM contract (test/support/iam).
  setupFilesAfterEnv: ['<rootDir>/test/support/iam/setup.ts'],
  testTimeout: 30000,
  // Spaces out the files that take turns under load (test/support/loadTurns.ts).
  testSequencer: '<rootDir>/test/support/sequencer.js',
  maxWorkers: 2,
};
