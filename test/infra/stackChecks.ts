import { readLimits } from '../../service/src/config';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { orderProcessorMapping } from '../../core/eventSourceMapping';
import { orderTable } from '../../core/table';
import { ADMINS_GROUP, userPoolShape } from '../../core/userpool';
import { API_TABLE_ACTIONS, DEREGISTRATION_DELAY_SECONDS, SHUTDOWN_GRACE_MS, STOP_TIMEOUT_SECONDS } from '../../infra/components/api';
import { BACKUP_MANAGED_POLICIES } from '../../infra/components/backup';
import { WILDCARD_RESOURCE_ACTIONS, evaluate } from '../../infra/policy/rules';
import { DeadLetterOutputs } from '../../scripts/dlq/stack';
import { StackOutputs } from '../../scripts/pipeline/stackOutputs';
import { packViolations, policyConfigAsThePipelinePasses } from '../support/pipelinePolicy';
import pino from 'pino';
import supertest from 'supertest';
import { createApp } from '../../service/src/app';
import { documentClient } from '../../core/store/client';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { filledIn } from './filledIn';
import { ACCOUNT, REGION, runStack, type StackRun } from './harness';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface StackExpectations {
  protect: boolean;
  pointInTimeRecovery: boolean;
  natGateways: string;
  /** Where the API tasks run: private subnets behind NAT, or (no NAT, development) public ones with public IPs. */
  taskSubnets: 'private' | 'public';
  logRetentionDays: number;
  api: { cpu: number; memory: number; minCount: number; maxCount: number };
  processor: { memoryMb: number; reservedConcurrency: number; parallelizationFactor: number };
  /** AWS Backup of the table into a locked vault (orders:backup): stage and main, none on development. */
  backup?: { retentionDays: number; lock: 'compliance' | 'governance'; changeableForDays?: number };
}

const policyOf = (run: StackRun, roleName: string) =>
  JSON.parse(run.one('aws:iam/rolePolicy:RolePolicy', roleName).inputs.policy as string).Statement as Array<{
    Sid: string;
    Action: string[];
    Resource: string[];
  }>;

/**
 * What AWS lists for a flow-log role delivering to CloudWatch Logs: at least these actions, and a trust policy for
 * the flow logs service with aws:SourceAccount / aws:SourceArn recommended against the confused deputy.
 */
const FLOW_LOG_ROLE_AWS = {
  source: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html',
  actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams'],
  service: 'vpc-flow-logs.amazonaws.com',
};

/**
 * The confused-deputy conditions each service's documentation gives for a role it assumes (infra/components/iam.ts
 * cites each page): the account always, the source ARN where the service documents one.
 */
const DOCUMENTED_TRUST: Record<string, Json> = {
  'ecs-tasks.amazonaws.com': { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:ecs:${REGION}:${ACCOUNT}:*` } },
  'vpc-flow-logs.amazonaws.com': {
    StringEquals: { 'aws:SourceAccount': ACCOUNT },
    ArnLike: { 'aws:SourceArn': `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc-flow-log/*` },
  },
  'lambda.amazonaws.com': { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
  'backup.amazonaws.com': { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
};

/** The statements of a KMS key's policy, by Sid. */
const keyStatements = (run: StackRun, nameIncludes: string): Record<string, Json> =>
  Object.fromEntries((JSON.parse(run.one('aws:kms/key:Key', nameIncludes).inputs.policy as string).Statement as Json[]).map((s) => [s.Sid, s]));

/** The checks every stack must pass, with the per-stack numbers it must show. */
/** The task definition's containers, and the API container's environment as a map. */
const containersOf = (run: StackRun) => JSON.parse(run.one('aws:ecs/taskDefinition:TaskDefinition').inputs.containerDefinitions as string) as Json[];
const apiEnvironment = (run: StackRun): Record<string, string> =>
  Object.fromEntries((containersOf(run).find((c) => c.name === 'api')!.environment as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]));

export function describeStack(stack: string, expected: StackExpectations) {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack(stack, filledIn(stack));
  }, 60_000);

  describe(`stack ${stack}`, () => {
    it('passes every guard rule', () => {
      expect(evaluate(run.resources, { stack })).toEqual([]);
    });

    it('passes the policy pack with exactly the config the pipeline passes for this stack', () => {
      const config = policyConfigAsThePipelinePasses(stack);
      expect(Object.values(config)).toEqual(Object.values(config).map(() => ({ stack })));
      expect(packViolations(run.resources, config)).toEqual([]);
      // The config is what tells the pack the stack: a pack that ran as main would stop development and stage.
      const asMain = packViolations(run.resources, policyConfigAsThePipelinePasses('main'));
      if (stack === 'main' || expected.protect) expect(asMain).toEqual([]);
      else expect(asMain.map((v) => v.rule)).toContain('pitr-on-protected-stacks');
    });

    it('builds the table from the shared definition', () => {
      const table = run.one('aws:dynamodb/table:Table').inputs as Json;
      expect(table).toMatchObject({
        billingMode: 'PAY_PER_REQUEST',
        hashKey: orderTable.hashKey,
        rangeKey: orderTable.rangeKey,
        attributes: orderTable.attributes.map((a) => ({ name: a.name, type: a.type })),
        globalSecondaryIndexes: orderTable.globalSecondaryIndexes.map((i) => ({
          name: i.name,
          keySchemas: [
            { attributeName: i.hashKey, keyType: 'HASH' },
            { attributeName: i.rangeKey, keyType: 'RANGE' },
          ],
          projectionType: i.projectionType,
        })),
        streamEnabled: true,
        streamViewType: 'NEW_AND_OLD_IMAGES',
        ttl: { attributeName: orderTable.ttlAttribute, enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/orders-${stack}-table` },
        pointInTimeRecovery: { enabled: expected.pointInTimeRecovery },
        deletionProtectionEnabled: expected.protect,
      });
      // Only the keySchemas form: hashKey/rangeKey on an index is deprecated and warns at every preview.
      expect(table.globalSecondaryIndexes.flatMap((i: Json) => Object.keys(i).filter((k) => k === 'hashKey' || k === 'rangeKey'))).toEqual([]);
    });

    it('encrypts the table with a key of its own that this account may use only through DynamoDB, as AWS documents for DynamoDB', () => {
      const key = run.one('aws:kms/key:Key', '-table').inputs as Json;
      expect(key).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
      const bySid = keyStatements(run, '-table');
      expect(Object.keys(bySid).sort()).toEqual(['AccountAdministersTheKey', 'DynamoDBReadsKeyMetadata', 'ThisAccountThroughDynamoDB']);
      expect(bySid.AccountAdministersTheKey).toMatchObject({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*' });
      // "How Amazon DynamoDB uses AWS KMS": the key policy of aws/dynamodb and of a customer-managed key for DynamoDB.
      expect(bySid.ThisAccountThroughDynamoDB).toEqual({
        Sid: 'ThisAccountThroughDynamoDB',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
        Resource: '*',
        Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': `dynamodb.${REGION}.amazonaws.com` } },
      });
      expect(bySid.DynamoDBReadsKeyMetadata).toMatchObject({
        Principal: { Service: 'dynamodb.amazonaws.com' },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'],
      });
      expect(run.outputs.tableKeyArn).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:key/orders-${stack}-table`);
      // The key policy is what lets the API and the processor read and write the table and its stream: no KMS grant in
      // their own policies (a direct kms:Decrypt would let them decrypt outside DynamoDB).
      for (const role of [`orders-${stack}-task`, `orders-${stack}-processor`]) {
        expect(policyOf(run, role).flatMap((s) => s.Action.filter((a) => a.startsWith('kms:')))).toEqual([]);
      }
    });

    it(`backs the table up ${expected.backup ? 'daily into a locked vault encrypted with its own key' : 'only through DynamoDB (no AWS Backup on development)'}`, () => {
      const config = run.config['orders:backup'] as Json | undefined;
      const backupTypes = [
        'aws:backup/vault:Vault',
        'aws:backup/vaultLockConfiguration:VaultLockConfiguration',
        'aws:backup/plan:Plan',
        'aws:backup/selection:Selection',
      ];
      if (!expected.backup) {
        expect([config, ...backupTypes.flatMap((t) => run.ofType(t))]).toEqual([undefined]);
        expect([run.outputs.backupVaultName, run.outputs.backupRoleArn]).toEqual([undefined, undefined]);
        return;
      }
      const b = expected.backup;
      expect(config).toMatchObject(b);
      const tableArn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders-${stack}`;
      const vaultName = `orders-${stack}`;
      const vaultKeyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/orders-${stack}-backup`;
      expect(run.one('aws:backup/vault:Vault').inputs).toMatchObject({ name: vaultName, kmsKeyArn: vaultKeyArn, forceDestroy: false });
      expect(run.one('aws:kms/key:Key', '-backup').inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
      expect(Object.keys(keyStatements(run, '-backup'))).toEqual(['AccountAdministersTheKey']);
      // Locked for at least the plan's retention; compliance (a grace time, then immutable) where configured.
      const lock = run.one('aws:backup/vaultLockConfiguration:VaultLockConfiguration').inputs as Json;
      expect(lock).toEqual({
        backupVaultName: vaultName,
        minRetentionDays: b.retentionDays,
        ...(b.lock === 'compliance' ? { changeableForDays: b.changeableForDays } : {}),
      });
      const plan = run.one('aws:backup/plan:Plan');
      expect((plan.inputs as Json).rules).toEqual([
        {
          ruleName: 'daily',
          targetVaultName: vaultName,
          schedule: config!.schedule,
          startWindow: 60,
          completionWindow: 360,
          lifecycle: { deleteAfter: b.retentionDays },
        },
      ]);
      expect(config!.schedule).toMatch(/^cron\(\d+ \d+ \* \* \? \*\)$/);
      const role = run.one('aws:iam/role:Role', `orders-${stack}-backup`);
      expect(run.one('aws:backup/selection:Selection').inputs).toMatchObject({
        planId: plan.id,
        resources: [tableArn],
        iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/${role.name}`,
      });
      const attached = run.ofType('aws:iam/rolePolicyAttachment:RolePolicyAttachment').map((a) => [a.inputs.role, a.inputs.policyArn]);
      expect(attached.sort()).toEqual(
        Object.values(BACKUP_MANAGED_POLICIES)
          .map((arn) => [role.name, arn])
          .sort(),
      );
      // Point-in-time recovery stays beside the backups.
      expect((run.one('aws:dynamodb/table:Table').inputs as Json).pointInTimeRecovery).toEqual({ enabled: true });
      expect([run.outputs.backupVaultName, run.outputs.backupRoleArn]).toEqual([vaultName, `arn:aws:iam::${ACCOUNT}:role/${role.name}`]);
    });

    it('admits each AWS service to its roles only for this account, in the form AWS documents for that service', () => {
      const trusts = run
        .ofType('aws:iam/role:Role')
        .map((role) => ({ role: role.name, statements: JSON.parse(role.inputs.assumeRolePolicy as string).Statement as Json[] }));
      const names = [`orders-${stack}-execution`, `orders-${stack}-task`, `orders-${stack}-processor`];
      if (run.config['orders:auditLogs'] === true) names.push(`orders-${stack}-flow-logs`);
      if (expected.backup) names.push(`orders-${stack}-backup`);
      expect(trusts.map((t) => t.role).sort()).toEqual(names.sort());
      for (const { role, statements } of trusts) {
        expect([role, statements.length]).toEqual([role, 1]);
        const [statement] = statements;
        const service = statement!.Principal.Service as string;
        expect([role, statement]).toEqual([
          role,
          { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', Condition: DOCUMENTED_TRUST[service] },
        ]);
      }
    });

    const pool = (name: string) => run.ofType('aws:cognito/userPool:UserPool').find((p) => p.name === name)!;
    const customersPool = () => pool(`orders-${stack}`);
    const adminsPool = () => pool(`orders-${stack}-admins`);
    const clientsOf = (pool: { urn: string }): Record<string, Json> =>
      Object.fromEntries(
        run
          .ofType('aws:cognito/userPoolClient:UserPoolClient')
          .filter((c) => c.propertyDependencies.userPoolId?.includes(pool.urn))
          .map((c) => [c.inputs.name, c.inputs as Json]),
      );
    const groupsOf = (pool: { urn: string }) =>
      run
        .ofType('aws:cognito/userGroup:UserGroup')
        .filter((g) => g.propertyDependencies.userPoolId?.includes(pool.urn))
        .map((g) => g.inputs.name);

    it('builds two pools from the shared shapes: customers’ and admins’, each with its own groups', () => {
      expect(run.ofType('aws:cognito/userPool:UserPool')).toHaveLength(2);
      for (const pool of [customersPool(), adminsPool()]) {
        expect((pool.inputs as Json).passwordPolicy.minimumLength).toBe(userPoolShape.passwordPolicy.minimumLength);
        expect(pool.inputs.usernameAttributes).toEqual(['email']);
        expect(pool.inputs.deletionProtection).toBe(expected.protect ? 'ACTIVE' : 'INACTIVE');
      }
      expect(groupsOf(customersPool())).toEqual(userPoolShape.groups.map((g) => g.name));
      // The admins group lives only in the admins' pool: no customer can be put in it by a slip in the customers' pool.
      expect(groupsOf(adminsPool())).toEqual([ADMINS_GROUP]);
      expect(groupsOf(customersPool())).not.toContain(ADMINS_GROUP);
      // Tokens are verified locally, so their lifetime is how long a removed admin keeps access: 15 minutes at most on main.
      const minutes = (run.config['orders:identity'] as Json).accessTokenMinutes as number;
      for (const client of run.ofType('aws:cognito/userPoolClient:UserPoolClient')) {
        expect(client.inputs).toMatchObject({
          accessTokenValidity: minutes,
          idTokenValidity: minutes,
          tokenValidityUnits: { accessToken: 'minutes', idToken: 'minutes' },
        });
      }
      if (stack === 'main') expect(minutes).toBeLessThanOrEqual(15);
    });

    it('gives each caller its own app client, with only the flows it needs; the gate’s password client never on main', () => {
      const clients = clientsOf(customersPool());
      const gate = stack !== 'main';
      expect(Object.keys(clients).sort()).toEqual(['orders-api', 'orders-smoke', ...(gate ? ['orders-loadtest'] : [])].sort());
      expect(clients['orders-api']!.explicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH']);
      expect(clients['orders-smoke']!.explicitAuthFlows).toEqual(['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
      if (gate) expect(clients['orders-loadtest']!.explicitAuthFlows).toEqual(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
      expect(run.ofType('aws:cognito/userPoolClient:UserPoolClient').every((c) => c.inputs.generateSecret === false)).toBe(true);
      expect(typeof run.outputs.smokeClientId).toBe('string');
      expect(run.outputs.loadTestClientId === undefined).toBe(!gate);
      // The API accepts the tokens of every client of the customers' pool, and of the admins' one client.
      const env = apiEnvironment(run);
      expect(env.COGNITO_CLIENT_ID!.split(',')).toHaveLength(Object.keys(clients).length);
      expect(Object.keys(clientsOf(adminsPool()))).toEqual(['orders-admin']);
      expect(env.COGNITO_ADMIN_CLIENT_ID!.split(',')).toEqual([run.outputs.adminClientId]);
      expect(env.COGNITO_ADMIN_USER_POOL_ID).toBe(run.outputs.adminUserPoolId);
      expect(env.COGNITO_USER_POOL_ID).toBe(run.outputs.userPoolId);
      expect(env.COGNITO_ADMIN_USER_POOL_ID).not.toBe(env.COGNITO_USER_POOL_ID);
    });

    it('rotates refresh tokens on the clients people sign in with, which then do not list REFRESH_TOKEN_AUTH', () => {
      const people = { ...clientsOf(customersPool()), ...clientsOf(adminsPool()) };
      for (const name of ['orders-api', 'orders-admin']) {
        // Cognito refuses REFRESH_TOKEN_AUTH on a rotating client (API_RefreshTokenRotationType): GetTokensFromRefreshToken only.
        expect([name, people[name]!.refreshTokenRotation]).toEqual([name, { feature: 'ENABLED', retryGracePeriodSeconds: 10 }]);
        expect(people[name]!.explicitAuthFlows).not.toContain('ALLOW_REFRESH_TOKEN_AUTH');
      }
      // An admin's refresh token lasts a day, so a TOTP code is given at least daily; customers' a month.
      expect([people['orders-admin']!.refreshTokenValidity, people['orders-api']!.refreshTokenValidity]).toEqual([1, 30]);
      // Rotation needs the Essentials or Plus tier.
      for (const pool of [customersPool(), adminsPool()]) expect(['ESSENTIALS', 'PLUS']).toContain(pool.inputs.userPoolTier);
    });

    it('hardens sign-in per stack: threat protection, MFA, sign-up and mail as configured', () => {
      const identity = run.config['orders:identity'] as Json;
      const hardening = (pool: Json, setting: Json) => {
        expect(pool.mfaConfiguration).toBe(setting.mfa);
        if (setting.mfa !== 'OFF') expect(pool.softwareTokenMfaConfiguration).toEqual({ enabled: true });
        if (setting.threatProtection === 'OFF') expect([pool.userPoolTier, pool.userPoolAddOns]).toEqual(['ESSENTIALS', undefined]);
        else expect([pool.userPoolTier, pool.userPoolAddOns]).toEqual(['PLUS', { advancedSecurityMode: setting.threatProtection }]);
        expect(pool.emailConfiguration.emailSendingAccount).toBe(identity.ses ? 'DEVELOPER' : 'COGNITO_DEFAULT');
      };
      const customers = customersPool().inputs as Json;
      hardening(customers, identity);
      expect(customers.adminCreateUserConfig).toEqual({ allowAdminCreateUserOnly: !identity.selfSignUp });
      const admins = adminsPool().inputs as Json;
      hardening(admins, identity.admins);
      // Nobody signs up as an admin.
      expect(admins.adminCreateUserConfig).toEqual({ allowAdminCreateUserOnly: true });
      // main starts in audit mode, and an operator switches it to ENFORCED (docs/deploying.md): never OFF.
      if (stack === 'main') expect([identity.threatProtection, identity.mfa, identity.loadTestClient]).toEqual(['AUDIT', 'OPTIONAL', false]);
      // An admin's sign-in passes MFA on stage and main: the admins' pool requires it there.
      expect(admins.mfaConfiguration).toBe(stack === 'development' ? 'OPTIONAL' : 'ON');
    });

    it('maps the stream to the processor with exactly the shared settings', () => {
      const mapping = run.one('aws:lambda/eventSourceMapping:EventSourceMapping').inputs as Json;
      const m = orderProcessorMapping;
      expect(mapping).toMatchObject({
        eventSourceArn: run.outputs.streamArn,
        startingPosition: m.startingPosition,
        batchSize: m.batchSize,
        maximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
        bisectBatchOnFunctionError: m.bisectBatchOnFunctionError,
        maximumRetryAttempts: m.maximumRetryAttempts,
        maximumRecordAgeInSeconds: m.maximumRecordAgeInSeconds,
        parallelizationFactor: expected.processor.parallelizationFactor,
        functionResponseTypes: [...m.functionResponseTypes],
      });
      expect(mapping.filterCriteria.filters.map((f: { pattern: string }) => JSON.parse(f.pattern))).toEqual(m.filterPatterns);
      // Only the key AWS documents for DynamoDB stream filtering.
      expect(mapping.filterCriteria.filters.map((f: { pattern: string }) => Object.keys(JSON.parse(f.pattern)))).toEqual(
        m.filterPatterns.map(() => ['dynamodb']),
      );
      const queue = run.one('aws:sqs/queue:Queue');
      expect(mapping.destinationConfig.onFailure.destinationArn).toContain(queue.name);
      expect(queue.inputs.messageRetentionSeconds).toBe(m.onFailure.messageRetentionSeconds);
    });

    it('deploys the processor as a traced nodejs22.x arm64 Lambda from a real bundle', async () => {
      const fn = run.one('aws:lambda/function:Function').inputs as Json;
      expect(fn).toMatchObject({
        runtime: 'nodejs22.x',
        architectures: ['arm64'],
        handler: 'index.handler',
        memorySize: expected.processor.memoryMb,
        // 0 in config means no reservation, which the provider spells -1 (0 would throttle every invocation).
        reservedConcurrentExecutions: expected.processor.reservedConcurrency > 0 ? expected.processor.reservedConcurrency : -1,
        tracingConfig: { mode: 'PassThrough' },
      });
      expect(fn.environment.variables.TABLE_NAME).toBe(run.outputs.tableName);
      // Mocks do not validate assets: check the archive's folder holds the handler.
      const archive = await (fn.code as { path: Promise<string> }).path;
      expect(existsSync(path.join(archive, 'index.js'))).toBe(true);
    });

    it('sends spans to X-Ray over OTLP: PutSpans only, and the account delivers them to Transaction Search', () => {
      const bySid = Object.fromEntries(policyOf(run, `orders-${stack}-processor`).map((s) => [s.Sid, s]));
      expect(bySid.Tracing!.Action).toEqual(['xray:PutSpans']);
      expect(run.one('aws:xray/traceSegmentDestination:TraceSegmentDestination').inputs.destination).toBe('CloudWatchLogs');
      const policy = JSON.parse(run.one('aws:cloudwatch/logResourcePolicy:LogResourcePolicy').inputs.policyDocument as string);
      expect(policy.Statement[0].Principal).toEqual({ Service: 'xray.amazonaws.com' });
      expect(policy.Statement[0].Action).toBe('logs:PutLogEvents');
      expect(policy.Statement[0].Condition.StringEquals['aws:SourceAccount']).toEqual(expect.any(String));
    });

    it('grants the processor stream-read on this stream only and writes on this table only', () => {
      const statements = policyOf(run, `orders-${stack}-processor`);
      const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
      expect(bySid.ReadThisStream!.Resource).toEqual([run.outputs.streamArn]);
      // ListStreams is not scoped to a stream: granting it on one grants nothing the poller needs.
      expect(bySid.ReadThisStream!.Action).toEqual(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']);
      expect(bySid.ReserveAndReleaseStock).toEqual(
        expect.objectContaining({ Action: ['dynamodb:UpdateItem'], Resource: [expect.stringMatching(/:table\/orders-/)] }),
      );
      expect(bySid.ReportExhaustedBatches!.Resource).toEqual([expect.stringContaining(':sqs:')]);
    });

    it('grants the API task the order table and its indexes, nothing else of DynamoDB', () => {
      const statements = policyOf(run, `orders-${stack}-task`);
      const table = statements.find((s) => s.Sid === 'OrderTable')!;
      const tableArn = `arn:aws:dynamodb:eu-west-1:123456789012:table/orders-${stack}`;
      expect(table.Resource).toEqual([tableArn, `${tableArn}/index/*`]);
      expect(table.Action.every((a) => a.startsWith('dynamodb:') && !a.includes('*') && a !== 'dynamodb:DeleteItem' && a !== 'dynamodb:Scan')).toBe(true);
      const wildcards = statements.filter((s) => s.Resource.includes('*')).flatMap((s) => s.Action);
      expect(wildcards.every((a) => WILDCARD_RESOURCE_ACTIONS.has(a))).toBe(true);
    });

    it(`runs the API in ${expected.taskSubnets} subnets, reachable only from the load balancer, out on 443 only`, () => {
      const service = run.one('aws:ecs/service:Service').inputs as Json;
      expect(service.launchType).toBe('FARGATE');
      // Public IPs only where there is no NAT to reach AWS APIs through (development); the group below still
      // admits nothing but the load balancer, public IP or not.
      const publicTasks = expected.taskSubnets === 'public';
      expect(publicTasks).toBe(expected.natGateways === 'None');
      expect(service.networkConfiguration.assignPublicIp).toBe(publicTasks);
      expect(service.networkConfiguration.subnets).toEqual(publicTasks ? ['subnet-public-a', 'subnet-public-b'] : ['subnet-private-a', 'subnet-private-b']);
      expect(service.deploymentCircuitBreaker).toEqual({ enable: true, rollback: true });
      const taskGroup = run.one('aws:ec2/securityGroup:SecurityGroup', '-task');
      const albGroup = run.one('aws:ec2/securityGroup:SecurityGroup', '-alb');
      expect(service.networkConfiguration.securityGroups).toEqual([taskGroup.id]);
      const taskIngress = run.ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule').filter((r) => r.inputs.securityGroupId === taskGroup.id);
      expect(taskIngress.map((r) => r.inputs)).toEqual([expect.objectContaining({ referencedSecurityGroupId: albGroup.id, fromPort: 5000, toPort: 5000 })]);
      const taskEgress = run.ofType('aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule').filter((r) => r.inputs.securityGroupId === taskGroup.id);
      expect(taskEgress.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort])).toEqual([['tcp', 443, 443]]);
      const lb = run.one('aws:lb/loadBalancer:LoadBalancer').inputs as Json;
      expect(lb.subnets).toEqual(['subnet-public-a', 'subnet-public-b']);
      expect(lb.dropInvalidHeaderFields).toBe(true);
    });

    it('matches health check, deregistration and stop timeout to the graceful shutdown', () => {
      const tg = run.one('aws:lb/targetGroup:TargetGroup').inputs as Json;
      expect(tg.healthCheck.path).toBe('/v1/health');
      expect(tg.deregistrationDelay).toBe(DEREGISTRATION_DELAY_SECONDS);
      const api = containersOf(run).find((c) => c.name === 'api')!;
      expect(api.stopTimeout).toBe(STOP_TIMEOUT_SECONDS);
      const grace = Number(api.environment.find((e: { name: string }) => e.name === 'SHUTDOWN_TIMEOUT_MS').value);
      expect(grace).toBe(SHUTDOWN_GRACE_MS);
      expect(grace).toBeLessThan(STOP_TIMEOUT_SECONDS * 1000);
      expect(api.readonlyRootFilesystem).toBe(true);
      expect(api.image).toContain('.dkr.ecr.');
    });

    it('tags every resource through the provider: stack, service and cost centre', () => {
      const tags = (run.config['aws:defaultTags'] as { tags: Record<string, string> }).tags;
      expect(tags).toEqual({ stack, service: 'orders', costCentre: expect.stringMatching(/\S/) });
    });

    it('runs the release image by digest, pulls only from its repository, and builds nothing itself', () => {
      const image = String(run.config['orders:apiImage']);
      expect(containersOf(run).find((c) => c.name === 'api')!.image).toBe(image);
      expect(image).toMatch(/@sha256:[0-9a-f]{64}$/);
      const pull = policyOf(run, `orders-${stack}-execution`).find((s) => s.Sid === 'PullImage')!;
      expect(pull.Resource).toEqual([`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/orders-api`]);
      // No repository, image build or bundling inside the program: those happen once per release, before it.
      expect(run.resources.filter((r) => /^(awsx:ecr:|aws:ecr\/|docker)/.test(r.type)).map((r) => r.type)).toEqual([]);
      expect(containersOf(run).map((c) => [c.name, c.readonlyRootFilesystem])).toEqual([
        ['api', true],
        ['otel-collector', true],
      ]);
    });

    it('keeps task traffic to DynamoDB off the NAT: a gateway endpoint in the VPC that reaches this table only, for this account', () => {
      const vpc = run.one('awsx:ec2:Vpc').inputs as Json;
      expect(vpc.vpcEndpointSpecs).toEqual([{ serviceName: 'com.amazonaws.eu-west-1.dynamodb', vpcEndpointType: 'Gateway', policy: expect.any(String) }]);
      expect(vpc.vpcEndpointStrategy).toBe('Auto');
      const tableArn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders-${stack}`;
      // What the API does to the table, and no more: the same actions its task role has.
      const taskActions = policyOf(run, `orders-${stack}-task`).find((s) => s.Sid === 'OrderTable')!.Action;
      expect(taskActions).toEqual([...API_TABLE_ACTIONS]);
      expect(JSON.parse(vpc.vpcEndpointSpecs[0].policy as string)).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ThisStacksTableOnly',
            Effect: 'Allow',
            Principal: '*',
            Action: taskActions,
            Resource: [tableArn, `${tableArn}/index/*`],
            Condition: { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } },
          },
        ],
      });
    });

    it('keeps ALB access logs and VPC flow logs where the stack asks for them', () => {
      const wanted = run.config['orders:auditLogs'] === true;
      expect(wanted).toBe(stack !== 'development');
      const lb = run.one('aws:lb/loadBalancer:LoadBalancer').inputs as Json;
      const flow = run.ofType('aws:ec2/flowLog:FlowLog');
      if (!wanted) {
        expect([lb.accessLogs, flow.length]).toEqual([undefined, 0]);
        return;
      }
      const bucket = run.one('aws:s3/bucket:Bucket', 'access-logs');
      expect(lb.accessLogs).toEqual({ bucket: `${bucket.name}-bucket`, prefix: 'alb', enabled: true });
      // Versioned, noncurrent versions expiring with the retention, and never emptied with the stack.
      expect(bucket.inputs.forceDestroy).toBe(false);
      expect(run.one('aws:s3/bucketVersioning:BucketVersioning').inputs).toEqual({ bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
      expect((run.one('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration').inputs as Json).rules).toEqual([
        expect.objectContaining({
          status: 'Enabled',
          expiration: { days: expected.logRetentionDays },
          noncurrentVersionExpiration: { noncurrentDays: expected.logRetentionDays },
        }),
      ]);
      expect(run.one('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock').inputs).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(run.one('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration').inputs).toMatchObject({
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
      });
      expect((run.one('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration').inputs as Json).rules[0].expiration.days).toBe(
        expected.logRetentionDays,
      );
      const policy = JSON.parse(run.one('aws:s3/bucketPolicy:BucketPolicy').inputs.policy as string);
      expect(policy.Statement[0]).toMatchObject({
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucket.name}-bucket/alb/AWSLogs/${ACCOUNT}/*`,
      });
      expect(policy.Statement[1]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
      expect(flow.map((f) => f.inputs)).toEqual([expect.objectContaining({ vpcId: 'vpc-123', trafficType: 'ALL', logDestinationType: 'cloud-watch-logs' })]);
    });

    it(`gives the flow-log role what AWS lists for delivery to CloudWatch Logs (${FLOW_LOG_ROLE_AWS.source}), on its own log group`, () => {
      const flow = run.ofType('aws:ec2/flowLog:FlowLog');
      if (run.config['orders:auditLogs'] !== true) {
        expect(run.ofType('aws:iam/role:Role').filter((r) => r.name.endsWith('-flow-logs'))).toEqual([]);
        return;
      }
      const groupArn = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/vpc/orders-${stack}/flow-logs`;
      const role = run.one('aws:iam/role:Role', `orders-${stack}-flow-logs`);
      expect(flow.map((f) => [f.inputs.logDestination, f.inputs.iamRoleArn])).toEqual([[groupArn, `arn:aws:iam::${ACCOUNT}:role/${role.name}`]]);
      const statements = policyOf(run, `orders-${stack}-flow-logs`);
      expect(statements.flatMap((s) => s.Action).sort()).toEqual([...FLOW_LOG_ROLE_AWS.actions].sort());
      // Every action on this group and its streams, except DescribeLogGroups: it names no group (AWS authorises it
      // on `log-group::log-stream:`), so it is granted on this region's log groups of the account and nothing wider.
      for (const s of statements) {
        if (s.Action.includes('logs:DescribeLogGroups'))
          expect([s.Action, s.Resource]).toEqual([['logs:DescribeLogGroups'], [`arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:*`]]);
        else expect(s.Resource).toEqual([groupArn, `${groupArn}:*`]);
      }
      const trust = JSON.parse(role.inputs.assumeRolePolicy as string).Statement as Json[];
      expect(trust).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: FLOW_LOG_ROLE_AWS.service },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': ACCOUNT },
            ArnLike: { 'aws:SourceArn': `arn:aws:ec2:eu-west-1:${ACCOUNT}:vpc-flow-log/*` },
          },
        },
      ]);
    });

    it('puts a rate-limiting WAF on stage’s and main’s load balancers, with the configured limit', () => {
      const acls = run.ofType('aws:wafv2/webAcl:WebAcl');
      if (stack === 'development') {
        expect(acls).toEqual([]);
        return;
      }
      const limit = (run.config['orders:firewall'] as Json).requestsPerIpPer5Minutes;
      expect(acls[0]!.inputs).toMatchObject({
        scope: 'REGIONAL',
        defaultAction: { allow: {} },
        rules: [{ action: { block: {} }, statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP' } } }],
      });
      const association = run.one('aws:wafv2/webAclAssociation:WebAclAssociation').inputs as Json;
      expect(association.resourceArn).toBe(`arn:aws:lb:eu-west-1:${ACCOUNT}:lb/orders-${stack}`); // the mocks' ARN of the ALB
    });

    it('hands the API its per-customer limits and trace sampling from the stack config', () => {
      const api = run.config['orders:api'] as Json;
      expect(apiEnvironment(run)).toMatchObject({
        LIMIT_UNITS_PER_LINE: String(api.limits.unitsPerLine),
        LIMIT_LINES_PER_ORDER: String(api.limits.linesPerOrder),
        LIMIT_OPEN_ORDERS: String(api.limits.openOrders),
        LIMIT_ORDERS_PER_MINUTE: String(api.limits.ordersPerMinute),
        TRACE_SAMPLE_RATIO: String(api.traceSampleRatio),
      });
      // The service reads them back as it would in the task: a value it refused would stop every task at start.
      expect(readLimits(apiEnvironment(run))).toEqual(api.limits);
    });

    it('serves HTTPS on stage and main (certificate validated in the zone, alias to the ALB), HTTP on development', () => {
      const listeners = run.ofType('aws:lb/listener:Listener').map((l) => l.inputs as Json);
      const env = apiEnvironment(run);
      expect(env.CORS_ALLOWED_ORIGINS).toBe(((run.config['orders:api'] as Json).corsOrigins ?? []).join(','));
      if (stack === 'development') {
        expect(listeners.map((l) => [l.port, l.protocol, l.defaultActions[0].type])).toEqual([[80, 'HTTP', 'forward']]);
        expect(run.outputs.apiUrl).toMatch(/^http:\/\//);
        expect(env.HSTS).toBe('false');
        return;
      }
      const domain = run.config['orders:domain'] as Json;
      const certificate = run.one('aws:acm/certificate:Certificate').inputs as Json;
      expect(certificate).toMatchObject({ domainName: domain.hostname, validationMethod: 'DNS' });
      const https = listeners.find((l) => l.port === 443)!;
      expect(https).toMatchObject({
        protocol: 'HTTPS',
        certificateArn: `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/orders-${stack}`,
        sslPolicy: expect.stringMatching(/TLS13/),
      });
      expect(run.one('aws:acm/certificateValidation:CertificateValidation').inputs.validationRecordFqdns).toEqual([`_abc.${String(domain.hostname)}`]);
      expect(listeners.find((l) => l.port === 80)!.defaultActions).toEqual([
        { type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } },
      ]);
      const alias = run.one('aws:route53/record:Record', 'alias').inputs as Json;
      expect(alias).toMatchObject({
        zoneId: domain.hostedZoneId,
        name: domain.hostname,
        type: 'A',
        aliases: [{ zoneId: 'Z32O12XQLNTSW2', evaluateTargetHealth: true }],
      });
      expect(alias.aliases[0].name).toMatch(/elb\.amazonaws\.com$/);
      expect(run.outputs.apiUrl).toBe(`https://${String(domain.hostname)}`);
      expect(env.HSTS).toBe('true');
    });

    it('checks liveness only: the target group’s path answers 200 while the table is unreachable', async () => {
      const tg = run.one('aws:lb/targetGroup:TargetGroup').inputs as Json;
      const db = documentClient({
        region: 'eu-west-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        endpoint: 'http://127.0.0.1:9',
        maxAttempts: 1,
        // No connect timer: the SDK clears one under 2 s only when the socket connects, so the refused probe would
        // leave it holding the jest worker open for a second after the file ends. The route's own timeout bounds it.
        requestHandler: new NodeHttpHandler({ connectionTimeout: 0 }),
      });
      const app = createApp({
        db,
        tableName: 'unreachable',
        verifier: { verify: async () => Promise.reject(new Error('no')) },
        logger: pino({ level: 'silent' }),
      });
      try {
        const res = await supertest(app.callback()).get(tg.healthCheck.path);
        expect(res.status).toBe(Number(tg.healthCheck.matcher));
        expect((await supertest(app.callback()).get('/v1/health/ready')).status).toBe(503);
      } finally {
        db.destroy();
      }
    });

    it('sizes and scales the API per stack', () => {
      const task = run.one('aws:ecs/taskDefinition:TaskDefinition').inputs as Json;
      expect(task).toMatchObject({ cpu: String(expected.api.cpu), memory: String(expected.api.memory), runtimePlatform: { cpuArchitecture: 'ARM64' } });
      const target = run.one('aws:appautoscaling/target:Target').inputs as Json;
      expect([target.minCapacity, target.maxCapacity]).toEqual([expected.api.minCount, expected.api.maxCount]);
      const policies = run
        .ofType('aws:appautoscaling/policy:Policy')
        .map((p) => (p.inputs as Json).targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType);
      expect(policies.sort()).toEqual(['ALBRequestCountPerTarget', 'ECSServiceAverageCPUUtilization']);
      expect(run.one('awsx:ec2:Vpc').inputs.natGateways).toEqual({ strategy: expected.natGateways });
    });

    it('keeps logs for the stack’s retention', () => {
      const groups = run.ofType('aws:cloudwatch/logGroup:LogGroup');
      const flowLogs = run.config['orders:auditLogs'] === true ? [`/vpc/orders-${stack}/flow-logs`] : [];
      expect(groups.map((g) => g.inputs.name).sort()).toEqual([`/aws/lambda/orders-processor-${stack}`, `/ecs/orders-api-${stack}`, ...flowLogs].sort());
      expect(groups.every((g) => g.inputs.retentionInDays === expected.logRetentionDays)).toBe(true);
    });

    it('has the alarms and (except on development) the dashboard, notifying the alarm topic', () => {
      const alarms = run.ofType('aws:cloudwatch/metricAlarm:MetricAlarm');
      expect(alarms.map((a) => a.name.replace(`orders-${stack}-`, '')).sort()).toEqual([
        'api-5xx-rate',
        'api-p99-latency',
        'dead-letters',
        'healthy-tasks',
        'processor-errors',
        'processor-iterator-age',
        'table-throttles',
      ]);
      const thresholds = run.config['orders:alarms'] as Json;
      expect(alarms.find((a) => a.name.endsWith('api-p99-latency'))!.inputs.threshold).toBe(thresholds.p99LatencyMs / 1000);
      // development does without a dashboard (orders:dashboard false: docs/capacity.md, "Fixed monthly cost").
      expect(run.config['orders:dashboard'] === false).toBe(stack === 'development');
      if (stack === 'development') {
        expect([run.ofType('aws:cloudwatch/dashboard:Dashboard'), run.outputs.dashboardName]).toEqual([[], undefined]);
        return;
      }
      const dashboard = JSON.parse(run.one('aws:cloudwatch/dashboard:Dashboard').inputs.dashboardBody as string);
      expect(dashboard.widgets.length).toBeGreaterThanOrEqual(6);
      expect(JSON.stringify(dashboard)).not.toContain('ThrottledRequests');
      // Accepted → decided latency from the processor's metric, at the percentiles an operator reads.
      const latency = dashboard.widgets.find((w: Json) => w.properties.metrics.some((m: unknown[]) => m[1] === 'ProcessingLatency'));
      expect(latency.properties.metrics.map((m: unknown[]) => (m.at(-1) as { stat: string }).stat)).toEqual(['p50', 'p95', 'p99']);
    });

    it('delivers alarms: a customer-managed key CloudWatch may use, and the subscribers from config', () => {
      const key = run.one('aws:kms/key:Key', 'alarms').inputs as Json;
      expect(key.enableKeyRotation).toBe(true);
      const grant = JSON.parse(key.policy).Statement.find((s: Json) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
      expect(grant).toMatchObject({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
      });
      const topic = run.one('aws:sns/topic:Topic').inputs as Json;
      expect(topic.kmsMasterKeyId).toMatch(/^arn:aws:kms:/);
      const notify = (run.config['orders:alarmNotifications'] ?? { emails: [], httpsEndpoints: [] }) as Json;
      const subscriptions = run.ofType('aws:sns/topicSubscription:TopicSubscription').map((s) => [s.inputs.protocol, s.inputs.endpoint]);
      expect(subscriptions.sort()).toEqual(
        [...notify.emails.map((e: string) => ['email', e]), ...notify.httpsEndpoints.map((u: string) => ['https', u])].sort(),
      );
      if (stack !== 'development') expect(subscriptions.length).toBeGreaterThan(0);
      // The outputs say how many hear the alarms: 0 on development, by design.
      expect(run.outputs.alarmSubscribers).toBe(stack === 'development' ? 0 : subscriptions.length);
    });

    it('sees a total outage: 5xx from the load balancer itself count, and too few healthy tasks alarm', () => {
      const alarms = run.ofType('aws:cloudwatch/metricAlarm:MetricAlarm');
      const rate = alarms.find((a) => a.name.endsWith('api-5xx-rate'))!.inputs as Json;
      expect(
        rate.metricQueries
          .map((q: Json) => q.metric?.metricName)
          .filter(Boolean)
          .sort(),
      ).toEqual(['HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_5XX_Count', 'RequestCount']);
      expect(rate.metricQueries.find((q: Json) => q.returnData).expression).toMatch(/FILL\(elb5xx, 0\)/);
      const healthy = alarms.find((a) => a.name.endsWith('healthy-tasks'))!.inputs as Json;
      expect(healthy).toMatchObject({
        metricName: 'HealthyHostCount',
        comparisonOperator: 'LessThanThreshold',
        threshold: expected.api.minCount,
        treatMissingData: 'breaching',
      });
      expect(Object.keys(healthy.dimensions).sort()).toEqual(['LoadBalancer', 'TargetGroup']);
    });

    it('watches throttles on series DynamoDB publishes: reads and writes of the table and each index', () => {
      const throttles = run.ofType('aws:cloudwatch/metricAlarm:MetricAlarm').find((a) => a.name.endsWith('table-throttles'))!.inputs as Json;
      const series = throttles.metricQueries
        .filter((q: Json) => q.metric)
        .map((q: Json) => `${q.metric.metricName} ${Object.keys(q.metric.dimensions).sort().join('+')}`);
      expect(series.sort()).toEqual(
        [
          'ReadThrottleEvents TableName',
          'WriteThrottleEvents TableName',
          ...orderTable.globalSecondaryIndexes.flatMap(() => [
            'ReadThrottleEvents GlobalSecondaryIndexName+TableName',
            'WriteThrottleEvents GlobalSecondaryIndexName+TableName',
          ]),
        ].sort(),
      );
    });

    it('keeps the URN of every resource deployed before: a resource that moved carries an alias', () => {
      // test/infra/fixtures/urns-<stack>.json: the URNs of the stack as deployed (regenerate with `npx tsx
      // test/infra/recordUrns.ts <stack>` only when a resource is meant to be replaced or removed: it writes the
      // current URNs, dropping the former ones an alias stands for; a new resource's URN is added to the list). A URN
      // neither current nor an alias of a current resource is a resource `pulumi up` would delete and create anew.
      const file = path.join(__dirname, 'fixtures', `urns-${stack}.json`);
      const deployed = JSON.parse(readFileSync(file, 'utf8')) as string[];
      const known = new Set(run.urns.flatMap((r) => [r.urn, ...r.aliases]));
      expect(deployed.filter((urn) => !known.has(urn))).toEqual([]);
      expect(deployed.length).toBeGreaterThan(50);
    });

    it('exports what users and the k6 gate need', () => {
      for (const key of ['apiUrl', 'docsUrl', 'userPoolId', 'userPoolClientId', 'tableName', 'streamArn', 'dlqUrl']) {
        expect(run.outputs[key]).toEqual(expect.any(String));
      }
      expect(run.outputs.docsUrl).toBe(`${String(run.outputs.apiUrl)}/order_docs`);
    });

    it('exports every output the pipeline scripts read from `pulumi stack output --json`', () => {
      // JSON round trip: what `pulumi stack output --json` prints is the exports, serialised.
      for (const schema of [StackOutputs, DeadLetterOutputs]) {
        const parsed = schema.safeParse(JSON.parse(JSON.stringify(run.outputs)));
        expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
      }
    });
  });
}
