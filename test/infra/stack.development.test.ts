import { describeStack } from './stackChecks';

// development: small, cheap, destroyable.
describeStack('development', {
  protect: false,
  pointInTimeRecovery: false,
  natGateways: 'Single',
  logRetentionDays: 7,
  api: { cpu: 256, memory: 512, minCount: 1, maxCount: 2 },
  processor: { memoryMb: 256, reservedConcurrency: 0, parallelizationFactor: 1 },
});
