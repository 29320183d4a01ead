import {
  alarmTopicDeliverable,
  dynamoDbEndpointPolicy,
  encryptedData,
  httpsOnStageAndMain,
  productionSignIn,
  evaluate,
  leastPrivilegeIam,
  logBucketsVersioned,
  logRetention,
  noOpenIngress,
  noPublicTaskIps,
  pitrOnProtectedStacks,
  requiredAlarms,
  serviceRoleTrust,
  stackRolesBounded,
  tableBackup,
  tableCustomerManagedKey,
  type ResourceRecord,
  type Rule,
} from '../../infra/policy/rules';
import { boundaryPolicyArn } from '../../infra/ci/names';
import { ruleContext } from '../../infra/policy/stackConfig';
import { runStackInProcess } from '../../scripts/graph/runStackInProcess';
import { filledIn } from './filledIn';
import { runStack } from './harness';

/** Each guard rule, shown to catch the violation it exists for on an otherwise clean graph (stack main). */
let clean: ResourceRecord[];
beforeAll(async () => {
  clean = (await runStack('main', filledIn('main'))).resources;
}, 60_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A deep copy of the graph with the first resource of `type` (optionally named *x*) changed by `change`. */
function withChange(type: string, change: (inputs: Json) => void, nameIncludes = ''): ResourceRecord[] {
  const original = clean.find((r) => r.type === type && r.name.includes(nameIncludes));
  if (!original) throw new Error(`no ${type}`);
  const changed = { ...original, inputs: JSON.parse(JSON.stringify(original.inputs)) as Json };
  change(changed.inputs);
  return clean.map((r) => (r === original ? changed : r));
}
const without = (type: string, nameIncludes: string) => clean.filter((r) => !(r.type === type && r.name.includes(nameIncludes)));
const caught = (rule: Rule, resources: ResourceRecord[], stack = 'main') => rule.check(resources, { stack }).map((v) => v.message);
/** A deep copy of the graph with the one resource of `type` named *x* changed, inputs and property dependencies alike. */
function withRecord(type: string, nameIncludes: string, change: (r: ResourceRecord & { inputs: Json }) => void): ResourceRecord[] {
  const found = clean.filter((r) => r.type === type && r.name.includes(nameIncludes));
  if (found.length !== 1) throw new Error(`expected one ${type} named *${nameIncludes}*, found ${found.length}`);
  const changed = JSON.parse(JSON.stringify(found[0])) as ResourceRecord & { inputs: Json };
  change(changed);
  return clean.map((r) => (r === found[0] ? changed : r));
}
/** What every rule reports on `resources`, having checked that `rule` alone reports anything. */
function caughtOnlyBy(rule: Rule, resources: ResourceRecord[], stack = 'main'): string[] {
  const found = evaluate(resources, { stack });
  expect([...new Set(found.map((v) => v.rule))]).toEqual([rule.id]);
  return found.map((v) => v.message);
}
/** A JSON document input (a policy) changed in place. */
const editJson = (inputs: Json, key: string, change: (doc: Json) => void) => {
  const doc = JSON.parse(inputs[key] as string) as Json;
  change(doc);
  inputs[key] = JSON.stringify(doc);
};
const KEY = 'aws:kms/key:Key';
const TABLE = 'aws:dynamodb/table:Table';

describe('the policy pack’s stack config', () => {
  it('fails closed: no config, or an unknown stack, is an error that says how to pass one', () => {
    expect(() => ruleContext(undefined)).toThrow(/--policy-pack-config from `npm run policy:config -- --stack/);
    expect(() => ruleContext({})).toThrow(/no stack in the policy config/);
    expect(() => ruleContext({ stack: 'prod' })).toThrow(/got "prod"/);
    expect(ruleContext({ stack: 'stage' })).toEqual({ stack: 'stage' });
  });
});

describe('guard rules', () => {
  it('pass on the real graph', () => {
    expect(evaluate(clean, { stack: 'main' })).toEqual([]);
  });

  it('no-public-task-ip catches a public task IP on stage and main, and on development unless only the ALB gets in', () => {
    const publicIp = withChange('aws:ecs/service:Service', (i) => (i.networkConfiguration.assignPublicIp = true));
    expect(caught(noPublicTaskIps, publicIp)).toEqual(['assignPublicIp must be false on main']);
    expect(caught(noPublicTaskIps, publicIp, 'stage')).toEqual(['assignPublicIp must be false on stage']);
    // development has no NAT: a public IP is allowed while the tasks' group admits the load balancer's group alone…
    expect(caught(noPublicTaskIps, publicIp, 'development')).toEqual([]);
    // …and caught once it admits anything else: an address range, another group, or no group of its own at all.
    const taskRule = (change: (inputs: Json) => void) =>
      publicIp.map((r) => {
        if (r.type !== 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule' || !r.name.includes('task-from-alb')) return r;
        const inputs: Json = { ...r.inputs };
        delete inputs.referencedSecurityGroupId;
        change(inputs);
        return { ...r, inputs };
      });
    const openToAll = taskRule((i) => (i.cidrIpv4 = '0.0.0.0/0'));
    expect(caught(noPublicTaskIps, openToAll, 'development')).toEqual([
      'a task with a public IP must admit only the load balancer’s security group: orders-main-task-from-alb admits 0.0.0.0/0',
    ]);
    const taskGroup = publicIp.find((r) => r.type === 'aws:ec2/securityGroup:SecurityGroup' && r.name.endsWith('-task'))!;
    const openToItself = taskRule((i) => (i.referencedSecurityGroupId = taskGroup.id));
    expect(caught(noPublicTaskIps, openToItself, 'development')).toEqual([
      `a task with a public IP must admit only the load balancer’s security group: orders-main-task-from-alb admits ${taskGroup.id}`,
    ]);
    const noGroup = withChange('aws:ecs/service:Service', (i) => {
      i.networkConfiguration.assignPublicIp = true;
      delete i.networkConfiguration.securityGroups;
    });
    expect(caught(noPublicTaskIps, noGroup, 'development')).toEqual([expect.stringMatching(/needs its own security group/)]);
  });

  it('no-public-task-ip finds development’s groups at the preview of a first deploy (ids unknown), and still sees one opened', async () => {
    const preview = (await runStackInProcess('development', { mode: 'preview' })).resources;
    const service = preview.find((r) => r.type === 'aws:ecs/service:Service')!;
    expect((service.inputs.networkConfiguration as Json).assignPublicIp).toBe(true);
    expect(caught(noPublicTaskIps, preview, 'development')).toEqual([]);
    const opened = preview.map((r) =>
      r.type === 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule' && r.name.includes('task-from-alb')
        ? { ...r, inputs: { ...r.inputs, referencedSecurityGroupId: undefined, cidrIpv4: '0.0.0.0/0' } }
        : r,
    );
    expect(caught(noPublicTaskIps, opened, 'development')).toEqual([
      'a task with a public IP must admit only the load balancer’s security group: orders-development-task-from-alb admits 0.0.0.0/0',
    ]);
  }, 60_000);

  it('no-open-security-group catches the tasks opened to the internet, and a non-web port on the ALB', () => {
    const taskOpen = withChange(
      'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
      (i) => {
        delete i.referencedSecurityGroupId;
        i.cidrIpv4 = '0.0.0.0/0';
      },
      'task-from-alb',
    );
    expect(caught(noOpenIngress, taskOpen)).toEqual(['open to the internet on tcp 5000-5000']);
    const sshOnAlb = withChange(
      'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
      (i) => {
        i.fromPort = 22;
        i.toPort = 22;
      },
      'alb-80-ipv4',
    );
    expect(caught(noOpenIngress, sshOnAlb)).toEqual(['open to the internet on tcp 22-22']);
  });

  it('encrypted-data catches an unencrypted table and queue', () => {
    expect(
      caught(
        encryptedData,
        withChange('aws:dynamodb/table:Table', (i) => (i.serverSideEncryption = { enabled: false })),
      ),
    ).toEqual(['serverSideEncryption must be enabled']);
    expect(
      caught(
        encryptedData,
        withChange('aws:sqs/queue:Queue', (i) => delete i.sqsManagedSseEnabled),
      ),
    ).toEqual(['queue must use SSE (sqsManagedSseEnabled or a KMS key)']);
  });

  it('log-retention catches a group without retention and a Lambda logging elsewhere', () => {
    expect(
      caught(
        logRetention,
        withChange('aws:cloudwatch/logGroup:LogGroup', (i) => delete i.retentionInDays),
      ),
    ).toEqual(['retentionInDays must be set']);
    expect(
      caught(
        logRetention,
        withChange('aws:lambda/function:Function', (i) => delete i.loggingConfig),
      ),
    ).toEqual(['must log to a log group declared with a retention']);
  });

  it('required-alarms catches a missing alarm and a silent one', () => {
    expect(caught(requiredAlarms, without('aws:cloudwatch/metricAlarm:MetricAlarm', 'iterator-age'))).toEqual(['no alarm on AWS/Lambda IteratorAge']);
    expect(
      caught(
        requiredAlarms,
        withChange('aws:cloudwatch/metricAlarm:MetricAlarm', (i) => (i.alarmActions = []), 'dead-letters'),
      ),
    ).toEqual(['alarm notifies nobody']);
  });

  it('required-alarms catches an alarm on a series AWS does not publish (ThrottledRequests by TableName alone)', () => {
    const tableOnly = withChange(
      'aws:cloudwatch/metricAlarm:MetricAlarm',
      (i) => {
        i.metricQueries[0].metric.metricName = 'ThrottledRequests';
      },
      'table-throttles',
    );
    expect(caught(requiredAlarms, tableOnly)).toEqual([
      'AWS/DynamoDB ThrottledRequests is not published with the dimensions [TableName]: the alarm watches nothing',
    ]);
  });

  it('required-alarms catches a 5xx alarm blind to the load balancer’s own errors, and nobody subscribed on stage/main', () => {
    const targetOnly = withChange(
      'aws:cloudwatch/metricAlarm:MetricAlarm',
      (i) => {
        i.metricQueries = i.metricQueries.filter((q: Json) => q.id !== 'elb5xx');
      },
      'api-5xx-rate',
    );
    expect(caught(requiredAlarms, targetOnly)).toEqual(['no alarm on AWS/ApplicationELB HTTPCode_ELB_5XX_Count']);
    const nobody = clean.filter((r) => r.type !== 'aws:sns/topicSubscription:TopicSubscription');
    expect(caught(requiredAlarms, nobody, 'stage')).toEqual(['no one is subscribed to the alarms in stage']);
    expect(caught(requiredAlarms, nobody, 'development')).toEqual([]);
  });

  it('https-on-stage-and-main catches a stage or main without TLS, or with plain HTTP still forwarding', () => {
    const noTls = clean.filter((r) => !(r.type === 'aws:lb/listener:Listener' && r.inputs.protocol === 'HTTPS'));
    expect(caught(httpsOnStageAndMain, noTls, 'stage')).toEqual(['stage has no HTTPS listener: set orders:domain (docs/deploying.md, HTTPS)']);
    const forwarding = withChange('aws:lb/listener:Listener', (i) => (i.defaultActions = [{ type: 'forward', targetGroupArn: 'tg' }]), '-http');
    expect(caught(httpsOnStageAndMain, forwarding, 'main')).toEqual(['plain HTTP must only redirect to HTTPS in main']);
    expect(caught(httpsOnStageAndMain, noTls, 'development')).toEqual([]);
  });

  it('production-sign-in catches a password client or threat protection switched off on main; audit and enforced both pass', () => {
    const password = withChange('aws:cognito/userPoolClient:UserPoolClient', (i) => i.explicitAuthFlows.push('ALLOW_USER_PASSWORD_AUTH'), 'smoke');
    expect(caught(productionSignIn, password)).toEqual(['a public client must not accept passwords on main (SRP and refresh only)']);
    const threatProtection = (mode: string | undefined) =>
      caught(
        productionSignIn,
        withChange('aws:cognito/userPool:UserPool', (i) => (i.userPoolAddOns = mode === undefined ? undefined : { advancedSecurityMode: mode })),
      );
    for (const off of ['OFF', undefined]) expect(threatProtection(off)).toEqual(['threat protection must be on (AUDIT or ENFORCED) on main']);
    // main ships in AUDIT (the clean graph) and an operator switches it to ENFORCED: neither is a violation.
    expect(clean.find((r) => r.type === 'aws:cognito/userPool:UserPool')!.inputs.userPoolAddOns).toEqual({ advancedSecurityMode: 'AUDIT' });
    expect([threatProtection('AUDIT'), threatProtection('ENFORCED')]).toEqual([[], []]);
    expect(caught(productionSignIn, password, 'stage')).toEqual([]);
  });

  it('production-sign-in catches an admins’ pool that lets a password alone sign in, or none, on stage and main', () => {
    const admins = clean.filter((r) => r.type === 'aws:cognito/userPool:UserPool' && (r.inputs as Json).tags?.['orders:pool'] === 'admins');
    expect(admins.map((p) => [p.name, p.inputs.mfaConfiguration])).toEqual([['orders-main-admins', 'ON']]);
    const optional = withChange('aws:cognito/userPool:UserPool', (i) => (i.mfaConfiguration = 'OPTIONAL'), 'admins');
    for (const stack of ['stage', 'main'])
      expect(caught(productionSignIn, optional, stack)).toEqual([`the admins’ pool must require MFA (mfaConfiguration ON) in ${stack}`]);
    // Untagged, the admins' pool is just another pool: the rule then finds none.
    const untagged = withChange('aws:cognito/userPool:UserPool', (i) => delete i.tags['orders:pool'], 'admins');
    expect(caught(productionSignIn, untagged, 'stage')).toEqual(['stage has no admins’ pool (tag orders:pool=admins)']);
    expect([caught(productionSignIn, optional, 'development'), caught(productionSignIn, untagged, 'development')]).toEqual([[], []]);
  });

  it('alarm-topic-deliverable catches the AWS-managed SNS key, and a key CloudWatch may not use', () => {
    expect(
      caught(
        alarmTopicDeliverable,
        withChange('aws:sns/topic:Topic', (i) => (i.kmsMasterKeyId = 'alias/aws/sns')),
      ),
    ).toEqual(['alias/aws/sns is AWS-managed: its policy cannot let CloudWatch publish, alarms would be dropped']);
    const noGrant = withChange(
      'aws:kms/key:Key',
      (i) => {
        const doc = JSON.parse(i.policy);
        doc.Statement = doc.Statement.filter((s: Json) => s.Principal?.Service !== 'cloudwatch.amazonaws.com');
        i.policy = JSON.stringify(doc);
      },
      'alarms',
    );
    expect(caught(alarmTopicDeliverable, noGrant)).toEqual(['no KMS key in the stack lets cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*']);
  });

  it('pitr-on-protected-stacks catches a stage/main table without PITR, and main without deletion protection', () => {
    const noPitr = withChange('aws:dynamodb/table:Table', (i) => (i.pointInTimeRecovery = { enabled: false }));
    expect(caught(pitrOnProtectedStacks, noPitr, 'stage')).toEqual(['point-in-time recovery must be on in stage']);
    expect(caught(pitrOnProtectedStacks, noPitr, 'development')).toEqual([]);
    expect(
      caught(
        pitrOnProtectedStacks,
        withChange('aws:dynamodb/table:Table', (i) => (i.deletionProtectionEnabled = false)),
        'main',
      ),
    ).toEqual(['deletion protection must be on in main']);
  });

  it('least-privilege-iam catches wildcard actions and "*" resources AWS does not require', () => {
    const widen = (mutate: (statement: Json) => void) =>
      withChange(
        'aws:iam/rolePolicy:RolePolicy',
        (i) => {
          const doc = JSON.parse(i.policy);
          mutate(doc.Statement[0]);
          i.policy = JSON.stringify(doc);
        },
        '-task',
      );
    expect(
      caught(
        leastPrivilegeIam,
        widen((s) => (s.Action = ['dynamodb:*'])),
      ),
    ).toEqual(['wildcard action dynamodb:* in OrderTable']);
    expect(
      caught(
        leastPrivilegeIam,
        widen((s) => (s.Resource = ['*'])),
      ),
    ).toContain('dynamodb:GetItem on Resource "*" in OrderTable');
    expect(
      caught(
        leastPrivilegeIam,
        widen((s) => (s.Resource = ['arn:aws:dynamodb:eu-west-1:123456789012:*'])),
      ),
    ).toEqual(['resource arn:aws:dynamodb:eu-west-1:123456789012:* is every resource of a service']);
  });
});

describe('data-safety guard rules (each on the real graph of main, broken in one place)', () => {
  it('table-customer-managed-key catches a table on DynamoDB’s own or the AWS-managed key, or on a key it cannot vouch for (stage and main)', () => {
    const noKey = withChange(TABLE, (i) => (i.serverSideEncryption = { enabled: true }));
    expect(caughtOnlyBy(tableCustomerManagedKey, noKey)).toEqual([
      'must be encrypted with a customer-managed KMS key in main (serverSideEncryption.kmsKeyArn), not an AWS-owned or AWS-managed one',
    ]);
    expect(caught(tableCustomerManagedKey, noKey, 'stage')).toHaveLength(1);
    expect(caught(tableCustomerManagedKey, noKey, 'development')).toEqual([]);
    const awsManaged = withChange(TABLE, (i) => (i.serverSideEncryption = { enabled: true, kmsKeyArn: 'alias/aws/dynamodb' }));
    expect(caughtOnlyBy(tableCustomerManagedKey, awsManaged)).toEqual(['alias/aws/dynamodb is AWS-managed: use a customer-managed key']);
    // A key ARN that comes from no key of the stack: its rotation and policy cannot be read.
    const foreign = withRecord(TABLE, '', (r) => {
      r.inputs.serverSideEncryption.kmsKeyArn = 'arn:aws:kms:eu-west-1:210987654321:key/elsewhere';
      r.propertyDependencies = { ...r.propertyDependencies, serverSideEncryption: [] };
    });
    expect(caughtOnlyBy(tableCustomerManagedKey, foreign)).toEqual(['its key is not one the stack declares, so its rotation and policy cannot be checked']);
  });

  it('table-customer-managed-key catches the table’s key without rotation, or with a policy that does not let DynamoDB use it', () => {
    expect(
      caughtOnlyBy(
        tableCustomerManagedKey,
        withChange(KEY, (i) => (i.enableKeyRotation = false), '-table'),
      ),
    ).toEqual(['the table’s key must rotate (enableKeyRotation)']);
    const noDynamoDb = withChange(
      KEY,
      (i) => editJson(i, 'policy', (doc) => (doc.Statement = doc.Statement.filter((s: Json) => s.Sid !== 'ThisAccountThroughDynamoDB'))),
      '-table',
    );
    expect(caughtOnlyBy(tableCustomerManagedKey, noDynamoDb)).toEqual([
      'the table’s key policy must let this account’s principals use it through DynamoDB (kms:ViaService dynamodb.*, kms:CallerAccount)',
    ]);
  });

  it('table-backup catches a stage or main table no plan selects, and leaves development alone', () => {
    const unselected = without('aws:backup/selection:Selection', '');
    expect(caughtOnlyBy(tableBackup, unselected)).toEqual(['no backup plan selects the table in main']);
    expect(caught(tableBackup, unselected, 'stage')).toEqual(['no backup plan selects the table in stage']);
    expect(caught(tableBackup, unselected, 'development')).toEqual([]);
    // A selection of another table is no backup of this one.
    const elsewhere = withRecord('aws:backup/selection:Selection', '', (r) => {
      r.inputs.resources = ['arn:aws:dynamodb:eu-west-1:123456789012:table/another'];
      r.propertyDependencies = { ...r.propertyDependencies, resources: [] };
    });
    expect(caughtOnlyBy(tableBackup, elsewhere)).toEqual(['no backup plan selects the table in main']);
  });

  it('table-backup catches an unlocked vault, main’s lock in governance mode, and a retention the lock would refuse', () => {
    const LOCK = 'aws:backup/vaultLockConfiguration:VaultLockConfiguration';
    expect(caughtOnlyBy(tableBackup, without(LOCK, ''))).toEqual(['vault orders-main is not locked (no VaultLockConfiguration)']);
    const governance = withChange(LOCK, (i) => delete i.changeableForDays);
    expect(caughtOnlyBy(tableBackup, governance)).toEqual(['vault orders-main must be locked in compliance mode on main (changeableForDays set)']);
    // Governance is stage's choice: torn down with its lock removable.
    expect(caught(tableBackup, governance, 'stage')).toEqual([]);
    expect(
      caughtOnlyBy(
        tableBackup,
        withChange(LOCK, (i) => delete i.minRetentionDays),
      ),
    ).toEqual(['the lock of vault orders-main sets no minRetentionDays, so it holds no recovery point']);
    const shorter = withChange('aws:backup/plan:Plan', (i) => (i.rules[0].lifecycle.deleteAfter = 7));
    expect(caughtOnlyBy(tableBackup, shorter)).toEqual([
      'rule daily of plan orders-main keeps recovery points 7 days, under the lock’s minimum of 35: every job would fail',
    ]);
  });

  it('table-backup catches a vault on no key of the stack, a rule without schedule or retention, and a vault the stack does not declare', () => {
    const unencrypted = withRecord('aws:backup/vault:Vault', '', (r) => {
      delete r.inputs.kmsKeyArn;
      r.propertyDependencies = { ...r.propertyDependencies, kmsKeyArn: [] };
    });
    expect(caughtOnlyBy(tableBackup, unencrypted)).toEqual(['vault orders-main must be encrypted with a customer-managed key of the stack']);
    const unscheduled = withChange('aws:backup/plan:Plan', (i) => {
      delete i.rules[0].schedule;
      delete i.rules[0].lifecycle;
    });
    expect(caughtOnlyBy(tableBackup, unscheduled)).toEqual([
      'rule daily of plan orders-main has no schedule',
      'rule daily of plan orders-main sets no retention (lifecycle.deleteAfter)',
    ]);
    const defaultVault = withRecord('aws:backup/plan:Plan', '', (r) => {
      r.inputs.rules[0].targetVaultName = 'Default';
      r.propertyDependencies = { ...r.propertyDependencies, rules: [] };
    });
    expect(caughtOnlyBy(tableBackup, defaultVault)).toEqual(['rule daily of plan orders-main backs up into a vault the stack does not declare']);
  });

  it('log-buckets-versioned catches an unversioned log bucket, noncurrent versions kept forever, and forceDestroy on stage and main', () => {
    expect(caughtOnlyBy(logBucketsVersioned, without('aws:s3/bucketVersioning:BucketVersioning', ''))).toEqual([
      'must be versioned (BucketVersioning with status Enabled)',
    ]);
    const suspended = withChange('aws:s3/bucketVersioning:BucketVersioning', (i) => (i.versioningConfiguration = { status: 'Suspended' }));
    expect(caughtOnlyBy(logBucketsVersioned, suspended)).toEqual(['must be versioned (BucketVersioning with status Enabled)']);
    const keptForever = withChange('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', (i) => delete i.rules[0].noncurrentVersionExpiration);
    expect(caughtOnlyBy(logBucketsVersioned, keptForever)).toEqual(['noncurrent versions must expire (a lifecycle rule with noncurrentVersionExpiration)']);
    const forceDestroy = withChange('aws:s3/bucket:Bucket', (i) => (i.forceDestroy = true));
    expect(caughtOnlyBy(logBucketsVersioned, forceDestroy)).toEqual(['forceDestroy would delete every log with the bucket: not on main']);
    expect(caught(logBucketsVersioned, forceDestroy, 'stage')).toHaveLength(1);
    expect(caught(logBucketsVersioned, forceDestroy, 'development')).toEqual([]);
  });

  it('service-role-trust catches a service role without aws:SourceAccount, and an ECS role without the aws:SourceArn ECS documents', () => {
    const trust = (roleName: string, change: (condition: Json) => void) =>
      withChange('aws:iam/role:Role', (i) => editJson(i, 'assumeRolePolicy', (doc) => change(doc.Statement[0].Condition)), roleName);
    expect(
      caughtOnlyBy(
        serviceRoleTrust,
        trust('-processor', (c) => delete c.StringEquals),
      ),
    ).toEqual(['the trust of lambda.amazonaws.com must carry aws:SourceAccount (StringEquals)']);
    expect(
      caughtOnlyBy(
        serviceRoleTrust,
        trust('-backup', (c) => delete c.StringEquals),
      ),
    ).toEqual(['the trust of backup.amazonaws.com must carry aws:SourceAccount (StringEquals)']);
    expect(
      caughtOnlyBy(
        serviceRoleTrust,
        trust('-task', (c) => delete c.ArnLike),
      ),
    ).toEqual(['the trust of ecs-tasks.amazonaws.com must carry aws:SourceArn (ArnLike), as AWS documents for it']);
    expect(
      caughtOnlyBy(
        serviceRoleTrust,
        trust('-flow-logs', (c) => delete c.ArnLike),
      ),
    ).toEqual(['the trust of vpc-flow-logs.amazonaws.com must carry aws:SourceArn (ArnLike), as AWS documents for it']);
  });

  it('stack-roles-bounded catches a role without the stack’s boundary, or with another stack’s', () => {
    const unbounded = withChange('aws:iam/role:Role', (i) => delete i.permissionsBoundary, '-processor');
    expect(caughtOnlyBy(stackRolesBounded, unbounded)).toEqual([
      'must carry the permissions boundary orders-ci-main-boundary (docs/ci-identities.md), not none',
    ]);
    const borrowed = withChange('aws:iam/role:Role', (i) => (i.permissionsBoundary = boundaryPolicyArn('123456789012', 'development')), '-task');
    expect(caughtOnlyBy(stackRolesBounded, borrowed)).toHaveLength(1);
    // The name the pack spells is the one infra/ci declares.
    const declared = withChange('aws:iam/role:Role', (i) => (i.permissionsBoundary = boundaryPolicyArn('123456789012', 'main')), '-task');
    expect(caught(stackRolesBounded, declared)).toEqual([]);
  });

  it('dynamodb-endpoint-policy catches the DynamoDB endpoint without a policy, reaching every table, or open to other accounts', () => {
    const endpoint = (change: (spec: Json) => void) => withChange('awsx:ec2:Vpc', (i) => change(i.vpcEndpointSpecs[0]));
    expect(
      caughtOnlyBy(
        dynamoDbEndpointPolicy,
        endpoint((spec) => delete spec.policy),
      ),
    ).toEqual(['the DynamoDB endpoint has no policy: AWS’s default lets every principal reach every table']);
    expect(
      caughtOnlyBy(
        dynamoDbEndpointPolicy,
        endpoint((spec) => editJson(spec, 'policy', (doc) => (doc.Statement[0].Resource = '*'))),
      ),
    ).toEqual(['ThisStacksTableOnly reaches *: name the stack’s table']);
    expect(
      caughtOnlyBy(
        dynamoDbEndpointPolicy,
        endpoint((spec) => editJson(spec, 'policy', (doc) => delete doc.Statement[0].Condition)),
      ),
    ).toEqual(['ThisStacksTableOnly admits principals of any account: limit it with aws:PrincipalAccount']);
    // What the engine sees of awsx's endpoint when no policy was given: the one AWS attaches by default.
    const awsDefault: ResourceRecord = {
      type: 'aws:ec2/vpcEndpoint:VpcEndpoint',
      name: 'com.amazonaws.eu-west-1.dynamodb',
      inputs: {
        serviceName: 'com.amazonaws.eu-west-1.dynamodb',
        vpcEndpointType: 'Gateway',
        policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] }),
      },
    };
    expect(caughtOnlyBy(dynamoDbEndpointPolicy, [...clean, awsDefault])).toEqual([
      'a statement reaches *: name the stack’s table',
      'a statement allows every action of every service',
      'a statement admits principals of any account: limit it with aws:PrincipalAccount',
    ]);
  });
});
