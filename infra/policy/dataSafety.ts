import {
  asArray,
  BUCKET,
  keyOf,
  names,
  ofType,
  parseJson,
  PROTECTED_STACKS,
  TABLE,
  violation,
  type ResourceRecord,
  type Rule,
  type Violation,
} from './records';
import { isUnknown } from './unknowns';
/** Data safety: encryption, point-in-time recovery, the table's customer-managed key, locked backups and versioned log buckets. */
export const encryptedData: Rule = {
  id: 'encrypted-data',
  description: 'Tables, queues and topics are encrypted with KMS or service-managed keys (a key still unknown at preview is one the stack sets)',
  check: (resources) => [
    ...ofType(resources, 'aws:dynamodb/table:Table')
      .filter((t) => (t.inputs.serverSideEncryption as { enabled?: boolean } | undefined)?.enabled !== true)
      .map((t) => violation('encrypted-data', t, 'serverSideEncryption must be enabled')),
    ...ofType(resources, 'aws:sqs/queue:Queue')
      .filter((q) => q.inputs.sqsManagedSseEnabled !== true && !q.inputs.kmsMasterKeyId)
      .map((q) => violation('encrypted-data', q, 'queue must use SSE (sqsManagedSseEnabled or a KMS key)')),
    ...ofType(resources, 'aws:sns/topic:Topic')
      .filter((t) => !t.inputs.kmsMasterKeyId)
      .map((t) => violation('encrypted-data', t, 'topic must use a KMS key')),
  ],
};
export const pitrOnProtectedStacks: Rule = {
  id: 'pitr-on-protected-stacks',
  description: 'stage and main tables have point-in-time recovery and deletion protection on main',
  check: (resources, { stack }) => {
    if (!PROTECTED_STACKS.includes(stack)) return [];
    return ofType(resources, 'aws:dynamodb/table:Table').flatMap((t) => [
      ...((t.inputs.pointInTimeRecovery as { enabled?: boolean } | undefined)?.enabled === true
        ? []
        : [violation('pitr-on-protected-stacks', t, `point-in-time recovery must be on in ${stack}`)]),
      ...(stack === 'main' && t.inputs.deletionProtectionEnabled !== true
        ? [violation('pitr-on-protected-stacks', t, 'deletion protection must be on in main')]
        : []),
    ]);
  },
};
interface KeyStatement {
  Effect: string;
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** Whether a key's policy lets the account's principals use it through DynamoDB (a policy still unknown grants nothing). */
const dynamoDbMayUse = (key: ResourceRecord): boolean => {
  if (isUnknown(key.inputs.policy) || key.inputs.policy === undefined) return false;
  const statements = asArray((parseJson(key.inputs.policy) as { Statement?: KeyStatement | KeyStatement[] }).Statement);
  return statements.some((s) => {
    const actions = asArray(s.Action);
    const condition = { ...s.Condition?.StringEquals, ...s.Condition?.StringLike };
    return (
      s.Effect === 'Allow' &&
      actions.includes('kms:Decrypt') &&
      actions.some((a) => a === 'kms:GenerateDataKey*' || a === 'kms:GenerateDataKey') &&
      typeof condition['kms:ViaService'] === 'string' &&
      condition['kms:ViaService'].startsWith('dynamodb.') &&
      condition['kms:CallerAccount'] !== undefined
    );
  });
};

export const tableCustomerManagedKey: Rule = {
  id: 'table-customer-managed-key',
  description:
    'stage and main tables are encrypted with a customer-managed KMS key of the stack that rotates and lets this account’s principals use it ' +
    'through DynamoDB only (a table with encryption switched off is encrypted-data’s finding; a key ARN still unknown at preview is followed to ' +
    'the key it comes from; a key policy still unknown grants nothing)',
  check: (resources, { stack }) => {
    if (!PROTECTED_STACKS.includes(stack)) return [];
    const id = 'table-customer-managed-key';
    return ofType(resources, TABLE).flatMap((table) => {
      const encryption = table.inputs.serverSideEncryption as { enabled?: unknown; kmsKeyArn?: unknown } | undefined;
      if (encryption?.enabled !== true) return [];
      const keyArn = encryption.kmsKeyArn;
      if (keyArn === undefined || keyArn === null || keyArn === '')
        return [
          violation(
            id,
            table,
            `must be encrypted with a customer-managed KMS key in ${stack} (serverSideEncryption.kmsKeyArn), not an AWS-owned or AWS-managed one`,
          ),
        ];
      if (typeof keyArn === 'string' && keyArn.includes('alias/aws/')) return [violation(id, table, `${keyArn} is AWS-managed: use a customer-managed key`)];
      const key = keyOf(resources, table, 'serverSideEncryption', keyArn);
      if (!key) return [violation(id, table, 'its key is not one the stack declares, so its rotation and policy cannot be checked')];
      return [
        ...(key.inputs.enableKeyRotation === true || isUnknown(key.inputs.enableKeyRotation)
          ? []
          : [violation(id, key, 'the table’s key must rotate (enableKeyRotation)')]),
        ...(dynamoDbMayUse(key)
          ? []
          : [
              violation(
                id,
                key,
                'the table’s key policy must let this account’s principals use it through DynamoDB (kms:ViaService dynamodb.*, kms:CallerAccount)',
              ),
            ]),
      ];
    });
  },
};

interface PlanRule {
  ruleName?: string;
  targetVaultName?: unknown;
  schedule?: unknown;
  lifecycle?: { deleteAfter?: unknown };
}

export const tableBackup: Rule = {
  id: 'table-backup',
  description:
    'stage and main back their table up: a backup plan selects it with a scheduled rule that keeps recovery points for a set time in a vault of the ' +
    'stack, encrypted with a customer-managed key of the stack and locked for at least that time, in compliance mode on main (references still ' +
    'unknown at preview are followed through the engine’s property dependencies; lock settings still unknown count as set)',
  check: (resources, { stack }) => {
    if (!PROTECTED_STACKS.includes(stack)) return [];
    const id = 'table-backup';
    const plans = ofType(resources, 'aws:backup/plan:Plan');
    const vaults = ofType(resources, 'aws:backup/vault:Vault');
    const locks = ofType(resources, 'aws:backup/vaultLockConfiguration:VaultLockConfiguration');
    const known = (value: unknown): value is number => typeof value === 'number';
    // What stands between a rule of `plan` and a locked, encrypted copy of the table, each on the resource at fault.
    const ruleProblems = (plan: ResourceRecord, rule: PlanRule): Violation[] => {
      const label = `rule ${rule.ruleName ?? '(unnamed)'} of plan ${plan.name}`;
      const retention = rule.lifecycle?.deleteAfter;
      const vault = vaults.find((v) => names(plan, 'rules', rule.targetVaultName, v));
      const problems = [
        ...(rule.schedule === undefined || rule.schedule === '' ? [violation(id, plan, `${label} has no schedule`)] : []),
        ...(retention === undefined || (known(retention) && retention <= 0) ? [violation(id, plan, `${label} sets no retention (lifecycle.deleteAfter)`)] : []),
      ];
      if (!vault) return [...problems, violation(id, plan, `${label} backs up into a vault the stack does not declare`)];
      if (!keyOf(resources, vault, 'kmsKeyArn', vault.inputs.kmsKeyArn))
        problems.push(violation(id, vault, `vault ${vault.name} must be encrypted with a customer-managed key of the stack`));
      const lock = locks.find((l) => names(l, 'backupVaultName', l.inputs.backupVaultName, vault));
      if (!lock) return [...problems, violation(id, vault, `vault ${vault.name} is not locked (no VaultLockConfiguration)`)];
      const { changeableForDays, minRetentionDays, maxRetentionDays } = lock.inputs;
      if (stack === 'main' && (changeableForDays === undefined || changeableForDays === null))
        problems.push(violation(id, lock, `vault ${vault.name} must be locked in compliance mode on main (changeableForDays set)`));
      if (minRetentionDays === undefined || minRetentionDays === null)
        problems.push(violation(id, lock, `the lock of vault ${vault.name} sets no minRetentionDays, so it holds no recovery point`));
      if (known(minRetentionDays) && known(retention) && retention < minRetentionDays)
        problems.push(
          violation(id, plan, `${label} keeps recovery points ${retention} days, under the lock’s minimum of ${minRetentionDays}: every job would fail`),
        );
      if (known(maxRetentionDays) && known(retention) && retention > maxRetentionDays)
        problems.push(
          violation(id, plan, `${label} keeps recovery points ${retention} days, over the lock’s maximum of ${maxRetentionDays}: every job would fail`),
        );
      return problems;
    };
    return ofType(resources, TABLE).flatMap((table) => {
      const selections = ofType(resources, 'aws:backup/selection:Selection').filter(
        (s) =>
          (table.urn !== undefined && (s.propertyDependencies?.resources ?? []).includes(table.urn)) ||
          asArray(s.inputs.resources as unknown[]).some((r) => !isUnknown(r) && names(s, 'resources', r, table)),
      );
      if (selections.length === 0) return [violation(id, table, `no backup plan selects the table in ${stack}`)];
      // Each way the table is backed up, with what is wrong with it; one sound way is enough.
      const ways = selections.map((selection): Violation[] => {
        const plan = plans.find((p) => names(selection, 'planId', selection.inputs.planId, p));
        if (!plan) return [violation(id, selection, `selection ${selection.name} belongs to no backup plan of the stack`)];
        if (isUnknown(plan.inputs.rules)) return [];
        const candidates = asArray(plan.inputs.rules as PlanRule[]).map((rule) => ruleProblems(plan, rule));
        return candidates.find((p) => p.length === 0) ?? candidates[0] ?? [violation(id, plan, `plan ${plan.name} has no rule`)];
      });
      return ways.some((w) => w.length === 0) ? [] : (ways[0] ?? []);
    });
  },
};

export const logBucketsVersioned: Rule = {
  id: 'log-buckets-versioned',
  description:
    'Every bucket of the stack (they hold audit logs) is versioned, expires noncurrent versions, and on stage and main is never force-destroyed ' +
    '(a bucket reference still unknown at preview is followed through the engine’s property dependencies; a status still unknown counts as set)',
  check: (resources, { stack }) => {
    const id = 'log-buckets-versioned';
    return ofType(resources, BUCKET).flatMap((bucket) => {
      const on = (type: string) => ofType(resources, type).filter((r) => names(r, 'bucket', r.inputs.bucket, bucket));
      const enabled = (status: unknown) => status === 'Enabled' || isUnknown(status);
      const versioned =
        (bucket.inputs.versioning as { enabled?: boolean } | undefined)?.enabled === true ||
        on('aws:s3/bucketVersioning:BucketVersioning').some((v) => enabled((v.inputs.versioningConfiguration as { status?: unknown } | undefined)?.status));
      const noncurrentExpire = on('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration').some((l) =>
        asArray(l.inputs.rules as Array<{ status?: unknown; noncurrentVersionExpiration?: { noncurrentDays?: unknown } }>).some(
          (r) => enabled(r.status) && r.noncurrentVersionExpiration?.noncurrentDays !== undefined,
        ),
      );
      return [
        ...(versioned ? [] : [violation(id, bucket, 'must be versioned (BucketVersioning with status Enabled)')]),
        ...(noncurrentExpire ? [] : [violation(id, bucket, 'noncurrent versions must expire (a lifecycle rule with noncurrentVersionExpiration)')]),
        ...(PROTECTED_STACKS.includes(stack) && bucket.inputs.forceDestroy === true
          ? [violation(id, bucket, `forceDestroy would delete every log with the bucket: not on ${stack}`)]
          : []),
      ];
    });
  },
};
