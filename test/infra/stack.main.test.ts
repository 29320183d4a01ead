import { describeStack } from './stackChecks';

// main: protected production.
describeStack('main', {
  protect: true,
  pointInTimeRecovery: true,
  natGateways: 'OnePerAz',
  taskSubnets: 'private',
  logRetentionDays: 90,
  api: { cpu: 1024, memory: 2048, minCount: 3, maxCount: 12 },
  processor: { memoryMb: 1024, reservedConcurrency: 0, parallelizationFactor: 4 },
  backup: { retentionDays: 35, lock: 'compliance', changeableForDays: 7 },
});
