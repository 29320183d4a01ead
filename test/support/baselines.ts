import type { Baseline } from '../../loadtest/lib/baseline';

/** A recorded gate run's figures, for the verdict tests to compare against (each test overrides what it is about). */
export const recordedBaseline: Baseline = {
  scenario: 'gate',
  stack: 'stage',
  recordedAt: 'x',
  httpP95Ms: 100,
  httpP99Ms: 200,
  e2eP95Ms: 1000,
  e2eP99Ms: 2000,
  decisionThroughput: 1,
  errorRate: 0,
  costPerMillionUsd: 5,
  runnerLocation: 'self-hosted eu-west-1',
};
