import { describeStack } from './stackChecks';

describeStack('stage', {
  protect: false,
  pointInTimeRecovery: true,
  natGateways: 'OnePerAz',
  taskSubnets: 'private',
  logRetentionDays: 30,
  api: { cpu: 512, memory: 1024, minCount: 2, maxCount: 6 },
  processor: { memoryMb: 512, reservedConcurrency: 0, parallelizationFactor: 2 },
  backup: { retentionDays: 7, lock: 'governance' },
});
