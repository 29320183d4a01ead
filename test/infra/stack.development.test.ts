import { describeStack } from './stackChecks';

// development: small, cheap, destroyable.
describeStack('development', {
  protect: false,
  pointInTimeRecovery: false,
  // No NAT gateway: the tasks take public IPs in the public subnets, behind the load balancer's group only.
  natGateways: 'None',
  taskSubnets: 'public',
  logRetentionDays: 7,
  api: { cpu: 256, memory: 512, minCount: 1, maxCount: 2 },
  processor: { memoryMb: 256, reservedConcurrency: 0, parallelizationFactor: 1 },
});
