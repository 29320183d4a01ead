import * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';

/** The stack's configuration (Pulumi.<stack>.yaml), validated once; components take plain values from here. */
const ApiConfig = z.strictObject({
  cpu: z.number().int().positive(),
  memory: z.number().int().positive(),
  desiredCount: z.number().int().min(1),
  minCount: z.number().int().min(1),
  maxCount: z.number().int().min(1),
  cpuTargetPercent: z.number().min(10).max(90),
  requestsPerTargetPerMinute: z.number().int().positive(),
  /** Origins whose pages may call the API (CORS); none by default. */
  corsOrigins: z.array(z.url().refine((o) => new URL(o).origin === o, 'must be an origin: scheme://host[:port]')).default([]),
});

const ProcessorConfig = z.strictObject({
  memoryMb: z.number().int().min(128).max(10240),
  /**
   * Executions reserved for the processor; 0 = none (it shares the account's unreserved pool). AWS refuses a
   * reservation that leaves fewer than 100 unreserved, and new accounts start with a low quota (README).
   */
  reservedConcurrency: z.number().int().min(0),
  /**
   * Batches of one stream shard in flight at once (Lambda's ParallelizationFactor, 1–10), records of one order
   * always in the same one. Sizing: README, "Capacity".
   */
  parallelizationFactor: z.number().int().min(1).max(10),
});

const AlarmConfig = z.strictObject({
  http5xxRatePercent: z.number().positive(),
  p99LatencyMs: z.number().positive(),
  lambdaErrors: z.number().int().min(1),
  iteratorAgeMs: z.number().positive(),
  dlqDepth: z.number().int().min(1),
  throttledRequests: z.number().int().min(1),
});

const NotifyConfig = z.strictObject({
  emails: z.array(z.email()).default([]),
  httpsEndpoints: z.array(z.url({ protocol: /^https$/ })).default([]),
});

const IdentityConfig = z.strictObject({
  /** Customers may register themselves (false: only admins create users). */
  selfSignUp: z.boolean(),
  /** Cognito threat protection: OFF, AUDIT (log risks) or ENFORCED (block them); needs the Plus tier. */
  threatProtection: z.enum(['OFF', 'AUDIT', 'ENFORCED']),
  mfa: z.enum(['OFF', 'OPTIONAL', 'ON']),
  /** The USER_PASSWORD_AUTH client for the k6 gate: only on stacks that carry a gate. */
  loadTestClient: z.boolean(),
  /** Send Cognito's e-mails through SES (a verified identity in this region). */
  ses: z.strictObject({ identityArn: z.string().startsWith('arn:aws:ses:'), fromAddress: z.string().min(3) }).optional(),
});

const FirewallConfig = z.strictObject({ requestsPerIpPer5Minutes: z.number().int().min(10).max(2_000_000_000) });

const Hostname = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a DNS name such as orders.example.com');
/** HTTPS: an existing ACM certificate, or a Route 53 zone in which to request, validate and point one. */
const DomainConfig = z.union([
  z.strictObject({ hostname: Hostname, certificateArn: z.string().startsWith('arn:aws:acm:') }),
  z.strictObject({ hostname: Hostname, hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone id') }),
]);

export type ApiConfig = z.infer<typeof ApiConfig>;
export type ProcessorConfig = z.infer<typeof ProcessorConfig>;
export type AlarmConfig = z.infer<typeof AlarmConfig>;
export type DomainConfig = z.infer<typeof DomainConfig>;
export type NotifyConfig = z.infer<typeof NotifyConfig>;
export type FirewallConfig = z.infer<typeof FirewallConfig>;
export type IdentityConfig = z.infer<typeof IdentityConfig>;

export interface StackConfig {
  stack: string;
  region: string;
  /** Deletion protection on data, `protect` and retain-on-delete on stateful resources. */
  protect: boolean;
  pointInTimeRecovery: boolean;
  natGateways: 'None' | 'Single' | 'OnePerAz';
  logRetentionDays: number;
  api: ApiConfig;
  processor: ProcessorConfig;
  alarms: AlarmConfig;
  /** Who receives alarms (`orders:alarmNotifications`); stage and main need at least one. */
  notify: NotifyConfig;
  identity: IdentityConfig;
  /** ALB access logs and VPC flow logs (`orders:auditLogs`; on for stage and main). */
  auditLogs: boolean;
  /** A WAF web ACL on the ALB (`orders:firewall`; main). */
  firewall?: FirewallConfig;
  domain?: DomainConfig;
}

function parse<S extends z.ZodType>(key: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`config orders:${key}: ${result.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return result.data;
}

export function readConfig(): StackConfig {
  const config = new pulumi.Config('orders');
  const api = parse('api', ApiConfig, config.requireObject('api'));
  if (api.minCount > api.desiredCount || api.desiredCount > api.maxCount) throw new Error('config orders:api: need minCount ≤ desiredCount ≤ maxCount');
  const domain = config.getObject('domain');
  const firewall = config.getObject('firewall');
  return {
    stack: pulumi.getStack(),
    region: new pulumi.Config('aws').require('region'),
    protect: config.requireBoolean('protect'),
    pointInTimeRecovery: config.requireBoolean('pointInTimeRecovery'),
    natGateways: parse('natGateways', z.enum(['None', 'Single', 'OnePerAz']), config.require('natGateways')),
    logRetentionDays: parse(
      'logRetentionDays',
      z.union([
        z.literal(1),
        z.literal(3),
        z.literal(5),
        z.literal(7),
        z.literal(14),
        z.literal(30),
        z.literal(60),
        z.literal(90),
        z.literal(180),
        z.literal(365),
      ]),
      config.requireNumber('logRetentionDays'),
    ),
    api,
    processor: parse('processor', ProcessorConfig, config.requireObject('processor')),
    alarms: parse('alarms', AlarmConfig, config.requireObject('alarms')),
    notify: parse('alarmNotifications', NotifyConfig, config.getObject('alarmNotifications') ?? {}),
    auditLogs: config.getBoolean('auditLogs') ?? false,
    identity: parse('identity', IdentityConfig, config.requireObject('identity')),
    ...(firewall ? { firewall: parse('firewall', FirewallConfig, firewall) } : {}),
    ...(domain ? { domain: parse('domain', DomainConfig, domain) } : {}),
  };
}
