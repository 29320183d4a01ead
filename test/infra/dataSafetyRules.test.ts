import { encryptedData, logBucketsVersioned, pitrOnProtectedStacks, tableBackup, tableCustomerManagedKey } from '../../infra/policy/dataSafety';
import type { ResourceRecord } from '../../infra/policy/records';
import { UNKNOWN } from '../../infra/policy/unknowns';
import { messages, record } from './handBuiltGraph';

/**
 * The data-safety rules on small graphs built by hand, one fact changed per case, each expectation from the rule's
 * description and the AWS behaviour behind it: DynamoDB uses a customer-managed key only if the key policy lets it
 * (kms:ViaService, kms:CallerAccount), AWS Backup fails a job whose retention falls outside the vault lock's bounds,
 * and a bucket's versioning and lifecycle are resources of their own. rules.test.ts shows each rule catching its
 * violation on the program's own graph; these hold the edges that graph does not have.
 */

const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1111';
const keyPolicy = (statement: Record<string, unknown>) =>
  JSON.stringify({
    Statement: [
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*' },
      {
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com', 'kms:CallerAccount': '123456789012' } },
        ...statement,
      },
    ],
  });
const key = (inputs: Record<string, unknown> = {}) =>
  record('aws:kms/key:Key', 'table-key', { arn: KEY_ARN, enableKeyRotation: true, policy: keyPolicy({}), ...inputs });
const table = (inputs: Record<string, unknown> = {}) =>
  record(
    'aws:dynamodb/table:Table',
    'orders',
    {
      serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: true,
      ...inputs,
    },
    { id: 'orders-main' },
  );

describe('encrypted-data', () => {
  it('wants a table encrypted, a queue on SQS’s or a KMS key, and a topic on a KMS key', () => {
    const queue = (inputs: Record<string, unknown>) => record('aws:sqs/queue:Queue', 'q', inputs);
    const topic = (inputs: Record<string, unknown>) => record('aws:sns/topic:Topic', 't', inputs);
    expect(
      messages(encryptedData, [table(), queue({ sqsManagedSseEnabled: true }), queue({ kmsMasterKeyId: 'alias/x' }), topic({ kmsMasterKeyId: KEY_ARN })]),
    ).toEqual([]);
    expect(messages(encryptedData, [table({ serverSideEncryption: undefined })])).toEqual(['serverSideEncryption must be enabled']);
    expect(messages(encryptedData, [queue({ sqsManagedSseEnabled: false })])).toEqual(['queue must use SSE (sqsManagedSseEnabled or a KMS key)']);
    expect(messages(encryptedData, [topic({})])).toEqual(['topic must use a KMS key']);
  });
});

describe('pitr-on-protected-stacks', () => {
  it('wants point-in-time recovery on stage and main, deletion protection on main only', () => {
    const unprotected = table({ deletionProtectionEnabled: false });
    expect(messages(pitrOnProtectedStacks, [unprotected], 'stage')).toEqual([]);
    expect(messages(pitrOnProtectedStacks, [unprotected], 'main')).toEqual(['deletion protection must be on in main']);
    expect(messages(pitrOnProtectedStacks, [table({ pointInTimeRecovery: { enabled: false } })], 'stage')).toEqual([
      'point-in-time recovery must be on in stage',
    ]);
    expect(messages(pitrOnProtectedStacks, [table({ pointInTimeRecovery: undefined, deletionProtectionEnabled: false })], 'development')).toEqual([]);
  });
});

describe('table-customer-managed-key', () => {
  const policyProblem = 'the table’s key policy must let this account’s principals use it through DynamoDB (kms:ViaService dynamodb.*, kms:CallerAccount)';
  const found = (...resources: ResourceRecord[]) => messages(tableCustomerManagedKey, resources);

  it('passes a rotating key of the stack whose policy lets DynamoDB use it for this account', () => {
    expect(found(table(), key())).toEqual([]);
    expect(found(table(), key({ policy: keyPolicy({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }) }))).toEqual([]);
    const viaLike = { StringLike: { 'kms:ViaService': 'dynamodb.*.amazonaws.com' }, StringEquals: { 'kms:CallerAccount': '123456789012' } };
    expect(found(table(), key({ policy: keyPolicy({ Condition: viaLike }) }))).toEqual([]);
    expect(found(table(), key({ enableKeyRotation: UNKNOWN }))).toEqual([]);
    expect(messages(tableCustomerManagedKey, [table({ serverSideEncryption: undefined })], 'main')).toEqual([]); // encrypted-data’s finding
    expect(messages(tableCustomerManagedKey, [table({ serverSideEncryption: { enabled: true } })], 'development')).toEqual([]);
  });

  it('catches a table on DynamoDB’s own key, an AWS-managed key, or a key the stack does not declare', () => {
    const customerManaged = 'must be encrypted with a customer-managed KMS key in main (serverSideEncryption.kmsKeyArn), not an AWS-owned or AWS-managed one';
    for (const kmsKeyArn of [undefined, null, ''])
      expect(found(table({ serverSideEncryption: { enabled: true, kmsKeyArn } }), key())).toEqual([customerManaged]);
    const managed = 'arn:aws:kms:eu-west-1:123456789012:alias/aws/dynamodb';
    expect(found(table({ serverSideEncryption: { enabled: true, kmsKeyArn: managed } }))).toEqual([`${managed} is AWS-managed: use a customer-managed key`]);
    expect(found(table(), key({ arn: 'arn:aws:kms:eu-west-1:123456789012:key/other' }))).toEqual([
      'its key is not one the stack declares, so its rotation and policy cannot be checked',
    ]);
  });

  it('catches a key that does not rotate, or whose policy does not let DynamoDB use it for this account alone', () => {
    expect(found(table(), key({ enableKeyRotation: false }))).toEqual(['the table’s key must rotate (enableKeyRotation)']);
    for (const policy of [
      undefined,
      UNKNOWN,
      keyPolicy({ Effect: 'Deny' }),
      keyPolicy({ Action: ['kms:GenerateDataKey*'] }),
      keyPolicy({ Action: ['kms:Decrypt', 'kms:Encrypt'] }),
      keyPolicy({ Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com', 'kms:CallerAccount': '123456789012' } } }),
      keyPolicy({ Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } } }),
      keyPolicy({ Condition: undefined }),
    ]) {
      expect([policy, found(table(), key({ policy }))]).toEqual([policy, [policyProblem]]);
    }
  });
});

describe('table-backup', () => {
  const vault = (inputs: Record<string, unknown> = {}) => record('aws:backup/vault:Vault', 'vault', { name: 'orders-vault', kmsKeyArn: KEY_ARN, ...inputs });
  const lock = (inputs: Record<string, unknown> = {}) =>
    record('aws:backup/vaultLockConfiguration:VaultLockConfiguration', 'lock', {
      backupVaultName: 'orders-vault',
      changeableForDays: 3,
      minRetentionDays: 7,
      maxRetentionDays: 35,
      ...inputs,
    });
  const rule = (overrides: Record<string, unknown> = {}) => ({
    ruleName: 'daily',
    targetVaultName: 'orders-vault',
    schedule: 'cron(0 3 * * ? *)',
    lifecycle: { deleteAfter: 35 },
    ...overrides,
  });
  const plan = (rules: unknown = [rule()]) => record('aws:backup/plan:Plan', 'plan', { rules }, { id: 'plan-id' });
  const selection = (inputs: Record<string, unknown> = {}, extra: Partial<ResourceRecord> = {}) =>
    record('aws:backup/selection:Selection', 'selection', { planId: 'plan-id', resources: ['orders-main'], ...inputs }, extra);
  const sound = () => [table(), key(), vault(), lock(), plan(), selection()];
  /** The sound graph with the records of the same type and name as `changes` put in their place. */
  const changed = (...changes: ResourceRecord[]) => [...sound().filter((r) => !changes.some((c) => c.type === r.type && c.name === r.name)), ...changes];
  const found = (resources: ResourceRecord[], stack = 'main') => messages(tableBackup, resources, stack);
  const label = 'rule daily of plan plan';

  it('passes a table a plan selects, by id or at a preview through what the selection was computed from', () => {
    expect(found(sound())).toEqual([]);
    expect(found(changed(selection({ resources: [UNKNOWN] }, { propertyDependencies: { resources: [table().urn!] } })))).toEqual([]);
    expect(found(changed(plan(UNKNOWN)))).toEqual([]);
    expect(found([table()], 'development')).toEqual([]);
  });

  it('catches a table no plan selects, and a selection of no plan of the stack', () => {
    expect(found([table(), key(), vault(), lock(), plan()], 'stage')).toEqual(['no backup plan selects the table in stage']);
    expect(found(changed(selection({ resources: [UNKNOWN] })))).toEqual(['no backup plan selects the table in main']);
    expect(found(changed(selection({ resources: ['another-table'] })))).toEqual(['no backup plan selects the table in main']);
    expect(found(changed(selection({ planId: 'elsewhere' })))).toEqual(['selection selection belongs to no backup plan of the stack']);
    expect(found(changed(plan([])))).toEqual(['plan plan has no rule']);
  });

  it('wants a schedule and a retention on the rule', () => {
    expect(found(changed(plan([rule({ schedule: undefined })])))).toEqual([`${label} has no schedule`]);
    expect(found(changed(plan([rule({ schedule: '' })])))).toEqual([`${label} has no schedule`]);
    const noRetention = `${label} sets no retention (lifecycle.deleteAfter)`;
    expect(found(changed(plan([rule({ lifecycle: undefined })])))).toEqual([noRetention]);
    expect(found(changed(plan([rule({ lifecycle: { deleteAfter: 0 } })]), lock({ minRetentionDays: 0 })))).toEqual([noRetention]);
    expect(found(changed(plan([rule({ lifecycle: { deleteAfter: 1 } })]), lock({ minRetentionDays: 1 })))).toEqual([]);
  });

  it('wants the vault of the stack, on a key of the stack, locked in compliance mode on main', () => {
    expect(found(changed(plan([rule({ targetVaultName: 'elsewhere' })])))).toEqual([`${label} backs up into a vault the stack does not declare`]);
    expect(found(changed(vault({ kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/other' })))).toEqual([
      'vault vault must be encrypted with a customer-managed key of the stack',
    ]);
    expect(found(changed(lock({ backupVaultName: 'elsewhere' })))).toEqual(['vault vault is not locked (no VaultLockConfiguration)']);
    const governance = 'vault vault must be locked in compliance mode on main (changeableForDays set)';
    expect(found(changed(lock({ changeableForDays: undefined })))).toEqual([governance]);
    expect(found(changed(lock({ changeableForDays: null })))).toEqual([governance]);
    expect(found(changed(lock({ changeableForDays: undefined })), 'stage')).toEqual([]);
    const noMinimum = 'the lock of vault vault sets no minRetentionDays, so it holds no recovery point';
    expect(found(changed(lock({ minRetentionDays: undefined })))).toEqual([noMinimum]);
    expect(found(changed(lock({ minRetentionDays: null })))).toEqual([noMinimum]);
  });

  it('catches a retention the lock would refuse, below its minimum or above its maximum, and takes both bounds as allowed', () => {
    const keeping = (days: number) => changed(plan([rule({ lifecycle: { deleteAfter: days } })]));
    expect(found(keeping(7))).toEqual([]);
    expect(found(keeping(6))).toEqual([`${label} keeps recovery points 6 days, under the lock’s minimum of 7: every job would fail`]);
    expect(found(keeping(35))).toEqual([]);
    expect(found(keeping(36))).toEqual([`${label} keeps recovery points 36 days, over the lock’s maximum of 35: every job would fail`]);
    expect(found(changed(plan([rule({ lifecycle: { deleteAfter: 36 } })]), lock({ maxRetentionDays: UNKNOWN })))).toEqual([]);
    expect(found(changed(plan([rule({ lifecycle: { deleteAfter: UNKNOWN } })])))).toEqual([]);
  });

  it('is satisfied by one sound rule of a plan, or one sound plan of the table', () => {
    expect(found(changed(plan([rule({ schedule: '' }), rule({ ruleName: 'weekly' })])))).toEqual([]);
    expect(found(changed(plan([rule({ schedule: '' }), rule({ ruleName: 'weekly', lifecycle: undefined })])))).toEqual([`${label} has no schedule`]);
    const second = record('aws:backup/selection:Selection', 'other-selection', { planId: 'elsewhere', resources: ['orders-main'] });
    expect(found([...sound(), second])).toEqual([]);
    expect(found([...changed(plan([])), second])).toEqual(['plan plan has no rule']);
  });
});

describe('log-buckets-versioned', () => {
  const bucket = (inputs: Record<string, unknown> = {}) => record('aws:s3/bucket:Bucket', 'logs', { bucket: 'orders-logs', ...inputs });
  const versioning = (status: unknown, of = 'orders-logs') =>
    record('aws:s3/bucketVersioning:BucketVersioning', `v-${of}`, { bucket: of, versioningConfiguration: { status } });
  const lifecycle = (rules: unknown[], of = 'orders-logs') =>
    record('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', `l-${of}`, { bucket: of, rules });
  const expiring = { status: 'Enabled', noncurrentVersionExpiration: { noncurrentDays: 90 } };
  const unversioned = 'must be versioned (BucketVersioning with status Enabled)';
  const keptForever = 'noncurrent versions must expire (a lifecycle rule with noncurrentVersionExpiration)';
  const found = (resources: ResourceRecord[], stack = 'main') => messages(logBucketsVersioned, resources, stack);

  it('passes a bucket versioned and expiring its noncurrent versions, by resources of their own or inline', () => {
    expect(found([bucket(), versioning('Enabled'), lifecycle([expiring])])).toEqual([]);
    expect(found([bucket({ versioning: { enabled: true } }), lifecycle([{ status: 'Disabled' }, expiring])])).toEqual([]);
    expect(found([bucket(), versioning(UNKNOWN), lifecycle([{ ...expiring, status: UNKNOWN }])])).toEqual([]);
  });

  it('catches versioning suspended or on another bucket, and noncurrent versions kept forever', () => {
    expect(found([bucket(), versioning('Suspended'), lifecycle([expiring])])).toEqual([unversioned]);
    expect(found([bucket(), versioning('Enabled', 'other'), lifecycle([expiring])])).toEqual([unversioned]);
    expect(found([bucket({ versioning: { enabled: false } }), lifecycle([expiring])])).toEqual([unversioned]);
    expect(found([bucket(), versioning('Enabled'), lifecycle([{ ...expiring, status: 'Disabled' }])])).toEqual([keptForever]);
    expect(found([bucket(), versioning('Enabled'), lifecycle([{ status: 'Enabled' }])])).toEqual([keptForever]);
    expect(found([bucket(), versioning('Enabled'), lifecycle([expiring], 'other')])).toEqual([keptForever]);
  });

  it('refuses forceDestroy on stage and main only', () => {
    const destroyable = [bucket({ forceDestroy: true }), versioning('Enabled'), lifecycle([expiring])];
    expect(found(destroyable, 'stage')).toEqual(['forceDestroy would delete every log with the bucket: not on stage']);
    expect(found(destroyable, 'development')).toEqual([]);
  });
});
