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
  /** What one customer may order (core/domain/limits.ts; docs/api.md, "Limits"), held across every task. */
  limits: z.strictObject({ unitsPerLine: z.int().min(1), linesPerOrder: z.int().min(1).max(50), openOrders: z.int().min(1), ordersPerMinute: z.int().min(1) }),
  /** The share of requests whose traces are kept (0–1), whatever a client's trace header asks. */
  traceSampleRatio: z.number().min(0).max(1),
});

const ProcessorConfig = z.strictObject({
  memoryMb: z.number().int().min(128).max(10240),
  /**
   * Executions reserved for the processor; 0 = none (it shares the account's unreserved pool). AWS refuses a
   * reservation that leaves fewer than 100 unreserved, and new accounts start with a low quota (docs/capacity.md).
   */
  reservedConcurrency: z.number().int().min(0),
  /**
   * Batches of one stream shard in flight at once (Lambda's ParallelizationFactor, 1–10), records of one order
   * always in the same one. Sizing: docs/capacity.md.
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
  /** Access and ID token lifetime (Cognito: 5–1440): how long a removed admin keeps access, tokens being verified locally. */
  accessTokenMinutes: z.int().min(5).max(1440),
  /** The USER_PASSWORD_AUTH client for the k6 gate: only on stacks that carry a gate. */
  loadTestClient: z.boolean(),
  /** Send Cognito's e-mails through SES (a verified identity in this region). */
  ses: z.strictObject({ identityArn: z.string().startsWith('arn:aws:ses:'), fromAddress: z.string().min(3) }).optional(),
  /** The admins' own pool (core/userpool.ts): `mfa` ON, no admin token without a TOTP code (stage, main: guard rule production-sign-in). */
  admins: z.strictObject({ mfa: z.enum(['OPTIONAL', 'ON']), threatProtection: z.enum(['OFF', 'AUDIT', 'ENFORCED']) }),
});

const FirewallConfig = z.strictObject({ requestsPerIpPer5Minutes: z.number().int().min(10).max(2_000_000_000) });

/**
 * AWS Backup of the table (`orders:backup`; stage and main): a daily rule into a vault encrypted with a
 * customer-managed key and locked (docs/data-safety.md). `compliance` needs `changeableForDays`, the grace time in
 * which the lock can still be removed; AWS Backup requires at least 3 days (72 hours) and, once it has passed, nobody
 * can remove the lock or delete a recovery point before its retention ends
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html). `governance` has no grace time: a
 * principal allowed backup:DeleteBackupVaultLockConfiguration can remove the lock at any time.
 */
const BackupConfig = z
  .strictObject({
    /** When the daily backup starts, in UTC: cron(<minute> <hour> * * ? *). */
    schedule: z
      .string()
      .regex(/^cron\((\d|[1-5]\d) (\d|1\d|2[0-3]) \* \* \? \*\)$/, 'must be a daily AWS Backup schedule: cron(<minute> <hour> * * ? *), in UTC'),
    /** Days each recovery point is kept; also the lock's minimum retention. */
    retentionDays: z.number().int().min(1).max(36500),
    lock: z.enum(['compliance', 'governance']),
    changeableForDays: z.number().int().min(3).max(36500).optional(),
    /** A vault in another account or Region to copy every recovery point to (docs/data-safety.md, "Copies"). */
    copyToVaultArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$/,
        'must be a backup vault ARN: arn:aws:backup:<region>:<account>:backup-vault:<name>',
      )
      .optional(),
  })
  .refine((b) => (b.lock === 'compliance') === (b.changeableForDays !== undefined), {
    message: 'lock compliance needs changeableForDays (3 or more), and governance takes none',
    path: ['changeableForDays'],
  });

const Hostname = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a DNS name such as orders.example.com');
/** HTTPS: an existing ACM certificate, or a Route 53 zone in which to request, validate and point one. */
const DomainConfig = z.union([
  z.strictObject({ hostname: Hostname, certificateArn: z.string().startsWith('arn:aws:acm:') }),
  z.strictObject({ hostname: Hostname, hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone id') }),
]);

/**
 * What the stack deploys, built once per release outside Pulumi (docs/deploying.md, "Build once, promote the digest"): the
 * API image by its digest in the shared repository, and the Lambda bundle by its content digest. The pipeline sets
 * both from the release manifest (`npm run release:*`); nothing is built inside the program, so a preview registers
 * exactly what the update will.
 */
const ApiImage = z
  .string({ error: 'is not set: the release manifest sets it (npm run release:manifest)' })
  .regex(
    /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([a-z0-9._/-]+)@sha256:[0-9a-f]{64}$/,
    'must be an ECR image pinned by digest: <account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:<64 hex>',
  );
const ProcessorBundle = z
  .string({ error: 'is not set: the release manifest sets it (npm run release:manifest)' })
  .regex(/^[0-9a-f]{64}$/, 'must be the sha256 content digest of the processor bundle (npm run release:manifest)');

export type ApiConfig = z.infer<typeof ApiConfig>;
export interface ArtifactsConfig {
  apiImage: z.infer<typeof ApiImage>;
  processorBundle: z.infer<typeof ProcessorBundle>;
}
export type ProcessorConfig = z.infer<typeof ProcessorConfig>;
export type AlarmConfig = z.infer<typeof AlarmConfig>;
export type DomainConfig = z.infer<typeof DomainConfig>;
export type NotifyConfig = z.infer<typeof NotifyConfig>;
export type FirewallConfig = z.infer<typeof FirewallConfig>;
export type IdentityConfig = z.infer<typeof IdentityConfig>;
export type BackupConfig = z.infer<typeof BackupConfig>;

export interface StackConfig {
  stack: string;
  region: string;
  /** Deletion protection on data, `protect` and retain-on-delete on stateful resources. */
  protect: boolean;
  pointInTimeRecovery: boolean;
  /**
   * NAT per AZ (stage, main), or None (development): then the API tasks run in the public subnets with a public IP,
   * reachable only from the load balancer's security group (guard rule no-public-task-ip).
   */
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
  /** The stack's CloudWatch dashboard (`orders:dashboard`; on unless set false, as development does). */
  dashboard: boolean;
  /** A WAF web ACL on the ALB (`orders:firewall`; main). */
  firewall?: FirewallConfig;
  /** AWS Backup of the table into a locked vault (`orders:backup`; stage and main, guard rule table-backup). */
  backup?: BackupConfig;
  domain?: DomainConfig;
  artifacts: ArtifactsConfig;
}

/**
 * The stack files ship placeholders an operator must replace before the first deploy (docs/deploying.md, "Before the
 * first deploy"): names under the domains reserved for examples (RFC 2606: example.com/.net/.org, .example, .invalid,
 * .test) and zone ids spelling REPLACE. Deployed, they mail alarms to nobody and ask for a certificate no one
 * can validate, so they stop the program here, naming the setting.
 */
const PLACEHOLDER = /(^|[.@])example\.(com|net|org)$|\.(example|invalid|test)$|REPLACE/i;
function refusePlaceholders(key: string, values: Array<[field: string, value: string | undefined]>): void {
  const found = values.find(([, value]) => value !== undefined && PLACEHOLDER.test(value));
  if (found)
    throw new Error(
      `config orders:${key}: ${found[0]} ${found[1]} is a placeholder: replace it before deploying (docs/deploying.md, "Before the first deploy")`,
    );
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
  const backup = config.getObject('backup');
  const notify = parse('alarmNotifications', NotifyConfig, config.getObject('alarmNotifications') ?? {});
  refusePlaceholders('alarmNotifications', [
    ...notify.emails.map((email, i): [string, string] => [`emails[${i}]`, email]),
    ...notify.httpsEndpoints.map((url, i): [string, string] => [`httpsEndpoints[${i}]`, new URL(url).hostname]),
  ]);
  const domainConfig = domain ? parse('domain', DomainConfig, domain) : undefined;
  if (domainConfig)
    refusePlaceholders('domain', [
      ['hostname', domainConfig.hostname],
      ['hostedZoneId', 'hostedZoneId' in domainConfig ? domainConfig.hostedZoneId : undefined],
    ]);
  const processor = parse('processor', ProcessorConfig, config.requireObject('processor'));
  // A reservation is a ceiling as well as a floor: below one shard's lanes it throttles even a one-shard stream.
  if (processor.reservedConcurrency > 0 && processor.reservedConcurrency < processor.parallelizationFactor)
    throw new Error(
      `config orders:processor: reservedConcurrency ${processor.reservedConcurrency} is below parallelizationFactor ${processor.parallelizationFactor}: reserve at least shards × parallelizationFactor, or 0 for none (docs/capacity.md, "Lambda concurrency")`,
    );
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
    processor,
    alarms: parse('alarms', AlarmConfig, config.requireObject('alarms')),
    notify,
    auditLogs: config.getBoolean('auditLogs') ?? false,
    dashboard: config.getBoolean('dashboard') ?? true,
    identity: parse('identity', IdentityConfig, config.requireObject('identity')),
    ...(firewall ? { firewall: parse('firewall', FirewallConfig, firewall) } : {}),
    ...(backup ? { backup: parse('backup', BackupConfig, backup) } : {}),
    ...(domainConfig ? { domain: domainConfig } : {}),
    artifacts: {
      apiImage: parse('apiImage', ApiImage, config.get('apiImage')),
      processorBundle: parse('processorBundle', ProcessorBundle, config.get('processorBundle')),
    },
  };
}
