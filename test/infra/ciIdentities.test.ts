import { githubTrust } from '../../infra/ci/policies/github';
import type { PolicyDocument } from '../../infra/ci/policies/document';
import { runStackInProcess } from '../../scripts/graph/runStackInProcess';
import { filledIn } from './filledIn';
import { deployExtras, needsOf, previewExtras, type Need, type Where } from '../support/iam/ciNeeds';
import { deployMustDeny, previewMustDeny, releaseMustAllow, releaseMustDeny } from '../support/iam/ciMustDeny';
import { CI_FILLED_IN, CI_REPOSITORY, ciIdentities, decideFor, type CiIdentities } from '../support/iam/ciRoles';
import { scenarios } from '../support/iam/githubTokens';
import { assumeRoleWithWebIdentity } from '../support/iam/webIdentity';

/**
 * The pipeline's identities (infra/ci), proven by the IAM evaluator like the runtime roles: who may assume each
 * role (a matrix of GitHub tokens, the intended jobs and the ones that must not get in), what each role must be
 * allowed (derived from every resource type of every stack's graph, plus the pipeline's own calls), and what it
 * must never be, with a check that each of those denials would be caught if a policy granted it.
 */
const STACKS = ['development', 'stage', 'main'] as const;
let ci: CiIdentities;
const typesOf: Record<string, string[]> = {};
const namesOf: Record<string, Array<{ type: string; name: string }>> = {};
beforeAll(async () => {
  ci = await ciIdentities();
  for (const stack of STACKS) {
    const graph = await runStackInProcess(stack, { overrides: filledIn(stack) });
    typesOf[stack] = [...new Set(graph.resources.filter((r) => r.custom || r.type.startsWith('awsx:')).map((r) => r.type))];
    // The physical name AWS gets: the one the program sets, or Pulumi's autoname (the logical name and a suffix).
    namesOf[stack] = graph.resources.map((r) => ({ type: r.type, name: String(r.inputs.name ?? r.inputs.bucket ?? r.name) }));
  }
}, 120_000);

const where = (stack: string): Where => ({ account: ci.account, region: ci.region, stack });
const state = () => ({ bucketArn: ci.stateBucketArn, keyArns: ci.stateKeyArns });
const roleOf = (name: string) => {
  const role = ci.roles[name];
  if (!role) throw new Error(`infra/ci declares no role ${name}`);
  return role;
};

/** The requests `policy` decides otherwise than `expected`, described. */
async function mismatches(policy: PolicyDocument, principal: string, needs: Need[], expected: 'Allowed' | 'Denied'): Promise<string[]> {
  const found: string[] = [];
  for (const need of needs) {
    const decision = await decideFor(policy, principal, need.action, need.resource, need.context);
    const ok = expected === 'Allowed' ? decision === 'Allowed' : decision === 'ExplicitlyDenied' || decision === 'ImplicitlyDenied';
    if (!ok) found.push(`${need.action} on ${need.resource} (${need.why}): ${decision}`);
  }
  return found;
}

/** Who each role is for: the matrix's expected column. */
function intendedFor(roleName: string): (scenario: string) => boolean {
  const preview = /^orders-ci-(\w+)-preview$/.exec(roleName)?.[1];
  const deploy = /^orders-ci-(\w+)-deploy$/.exec(roleName)?.[1];
  if (deploy) return (s) => s === `deploy job of ${deploy}`;
  if (preview) return (s) => s === `push to ${preview} (plan, gate, release jobs)` || (s === 'a pull request' && preview !== 'main');
  if (roleName === 'orders-ci-release')
    return (s) => s === 'push to development (plan, gate, release jobs)' || s === 'push to stage (plan, gate, release jobs)';
  throw new Error(`no intended callers for ${roleName}`);
}

describe('who may assume each pipeline role', () => {
  it('declares a preview and a deploy role per stack, and the release role', () => {
    expect(Object.keys(ci.roles).sort()).toEqual([...STACKS.flatMap((s) => [`orders-ci-${s}-deploy`, `orders-ci-${s}-preview`]), 'orders-ci-release'].sort());
  });

  it('lets exactly the intended jobs in: the trust matrix', () => {
    const tokens = scenarios(CI_REPOSITORY, STACKS);
    const wrong: string[] = [];
    let allowed = 0;
    for (const role of Object.values(ci.roles)) {
      const intended = intendedFor(role.name);
      for (const { name, claims } of tokens) {
        const decision = assumeRoleWithWebIdentity(role.trust, role.arn, ci.providerArn, claims);
        if (decision === 'Allowed') allowed++;
        if ((decision === 'Allowed') !== intended(name)) wrong.push(`${role.name} ← ${name}: ${decision}`);
      }
    }
    expect(wrong).toEqual([]);
    // 3 deploy jobs, 3 pushes to preview roles, a pull request to 2 of them, 2 pushes to the release role.
    expect(allowed).toBe(10);
  });

  it('would catch a deploy role bound to its environment name only (the old README trust policy)', () => {
    const role = roleOf('orders-ci-main-deploy');
    const nameOnly: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: ci.providerArn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': 'repo:northwind/orders:environment:main',
            },
          },
        },
      ],
    };
    const intruders = scenarios(CI_REPOSITORY, STACKS).filter(
      ({ claims }) => assumeRoleWithWebIdentity(nameOnly, role.arn, ci.providerArn, claims) === 'Allowed',
    );
    expect(intruders.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        "a feature branch's job claiming environment main",
        'another workflow file on main in environment main',
        "a look-alike repository's deploy job of main",
      ]),
    );
  });

  it('would catch a preview role for main that trusts pull requests', () => {
    const opened = githubTrust(ci.providerArn, { ...CI_REPOSITORY, workflow: '.github/workflows/pipeline.yml' }, [
      { kind: 'push', branch: 'main' },
      { kind: 'pull_request' },
    ]);
    const pr = scenarios(CI_REPOSITORY, STACKS).find((s) => s.name === 'a pull request')!;
    expect(assumeRoleWithWebIdentity(opened, roleOf('orders-ci-main-preview').arn, ci.providerArn, pr.claims)).toBe('Allowed');
    expect(assumeRoleWithWebIdentity(roleOf('orders-ci-main-preview').trust, roleOf('orders-ci-main-preview').arn, ci.providerArn, pr.claims)).toBe(
      'ImplicitlyDenied',
    );
  });
});

describe.each(STACKS)('the %s preview role', (stack) => {
  const role = () => roleOf(`orders-ci-${stack}-preview`);

  it('reads the configuration of every resource type the stack has', async () => {
    const unmapped = typesOf[stack]!.filter((type) => !needsOf(type, where(stack)) && !type.startsWith('awsx:'));
    expect(unmapped).toEqual([]);
    const reads = typesOf[stack]!.flatMap((type) => {
      const need = needsOf(type, where(stack));
      return need ? [{ ...need.read, why: `reads ${type}` }] : [];
    });
    expect(await mismatches(role().policy, role().arn, reads, 'Allowed')).toEqual([]);
  });

  it('reads its own state and what the gate prices', async () => {
    expect(
      await mismatches(role().policy, role().arn, previewExtras(where(stack), { bucketArn: ci.stateBucketArn, keyArn: ci.stateKeyArns[stack]! }), 'Allowed'),
    ).toEqual([]);
  });

  it('is denied data, writes, IAM changes, other stacks’ state and secrets', async () => {
    expect(await mismatches(role().policy, role().arn, previewMustDeny(where(stack), state()), 'Denied')).toEqual([]);
  });
});

describe.each(STACKS)('the %s deploy role', (stack) => {
  const role = () => roleOf(`orders-ci-${stack}-deploy`);

  it('manages every named resource under the name the program gives it', async () => {
    // A change to each, on its real ARN: the statements scoped by name must cover the names the program uses.
    const change: Record<string, (name: string) => Need> = {
      'aws:iam/role:Role': (n) => ({ action: 'iam:UpdateRole', resource: `arn:aws:iam::${ci.account}:role/${n}`, why: 'updates a role' }),
      'aws:dynamodb/table:Table': (n) => ({
        action: 'dynamodb:UpdateTable',
        resource: `arn:aws:dynamodb:${ci.region}:${ci.account}:table/${n}`,
        why: 'updates the table',
      }),
      'aws:lambda/function:Function': (n) => ({
        action: 'lambda:UpdateFunctionCode',
        resource: `arn:aws:lambda:${ci.region}:${ci.account}:function:${n}`,
        why: 'deploys the function',
      }),
      'aws:sqs/queue:Queue': (n) => ({ action: 'sqs:SetQueueAttributes', resource: `arn:aws:sqs:${ci.region}:${ci.account}:${n}`, why: 'updates a queue' }),
      'aws:sns/topic:Topic': (n) => ({ action: 'sns:SetTopicAttributes', resource: `arn:aws:sns:${ci.region}:${ci.account}:${n}`, why: 'updates a topic' }),
      'aws:s3/bucket:Bucket': (n) => ({ action: 's3:PutBucketTagging', resource: `arn:aws:s3:::${n}`, why: 'updates a bucket' }),
      // CreateLogGroup is authorised on the group's stream ARN ("…:log-group:<name>:log-stream:").
      'aws:cloudwatch/logGroup:LogGroup': (n) => ({
        action: 'logs:CreateLogGroup',
        resource: `arn:aws:logs:${ci.region}:${ci.account}:log-group:${n}:log-stream:`,
        why: 'creates a log group',
      }),
    };
    const named = namesOf[stack]!.filter((r) => change[r.type]).map((r) =>
      change[r.type]!(r.type === 'aws:s3/bucket:Bucket' || r.type === 'aws:iam/role:Role' ? `${r.name}-abc1234` : r.name),
    );
    expect(named.length).toBeGreaterThan(5);
    expect(await mismatches(role().policy, role().arn, named, 'Allowed')).toEqual([]);
    // …and none of another stack's.
    const other = stack === 'main' ? 'development' : 'main';
    const theirs = namesOf[other]!.filter((r) => change[r.type]).map((r) => change[r.type]!(r.name));
    expect(await mismatches(role().policy, role().arn, theirs, 'Denied')).toEqual([]);
  });

  it('creates every resource type the stack has, named as the program names it', async () => {
    const unmapped = typesOf[stack]!.filter((type) => !needsOf(type, where(stack)));
    expect(unmapped).toEqual([]);
    const writes = typesOf[stack]!.map((type) => ({ ...needsOf(type, where(stack))!.write, why: `creates ${type}` }));
    expect(await mismatches(role().policy, role().arn, writes, 'Allowed')).toEqual([]);
  });

  it('writes its own state, hands its roles to their services, bootstraps and smokes the stack', async () => {
    expect(
      await mismatches(role().policy, role().arn, deployExtras(where(stack), { bucketArn: ci.stateBucketArn, keyArn: ci.stateKeyArns[stack]! }), 'Allowed'),
    ).toEqual([]);
  });

  it('cannot touch other stacks, the CI identities, state history or backups', async () => {
    expect(await mismatches(role().policy, role().arn, deployMustDeny(where(stack), state()), 'Denied')).toEqual([]);
  });
});

describe('the release role', () => {
  it('pushes images to the shared repository and does nothing else', async () => {
    const role = roleOf('orders-ci-release');
    expect(await mismatches(role.policy, role.arn, releaseMustAllow(ci.releaseRepositoryArn), 'Allowed')).toEqual([]);
    expect(await mismatches(role.policy, role.arn, releaseMustDeny(where('development'), ci.releaseRepositoryArn), 'Denied')).toEqual([]);
  });
});

describe('the must-deny lists are not vacuous', () => {
  it('each denial is reported when a policy grants it', async () => {
    const all = [
      ...STACKS.flatMap((stack) => [...previewMustDeny(where(stack), state()), ...deployMustDeny(where(stack), state())]),
      ...releaseMustDeny(where('development'), ci.releaseRepositoryArn),
    ];
    const unnoticed: string[] = [];
    for (const need of all) {
      const granting: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: need.action, Resource: '*' }] };
      const found = await mismatches(granting, roleOf('orders-ci-development-deploy').arn, [need], 'Denied');
      if (found.length !== 1) unnoticed.push(`${need.action} on ${need.resource}`);
    }
    expect(unnoticed).toEqual([]);
  });
});

describe('the identities’ configuration', () => {
  it('refuses pull-request previews of main, naming the setting', async () => {
    await expect(
      runStackInProcess('ci', { program: 'orders-ci', overrides: { ...CI_FILLED_IN, 'orders-ci:pullRequestPreviews': ['stage', 'main'] } }),
    ).rejects.toThrow(/orders-ci:pullRequestPreviews: main/);
  });

  it('refuses the committed placeholders until the repository is named', async () => {
    await expect(runStackInProcess('ci', { program: 'orders-ci' })).rejects.toThrow(
      /orders-ci:repository: OWNER\/REPO is a placeholder[\s\S]*orders-ci:repositoryId: 0 is a placeholder/,
    );
  });

  it('keeps state in a versioned, private, TLS-only bucket with a secrets key per stack', async () => {
    const graph = await runStackInProcess('ci', { program: 'orders-ci', overrides: CI_FILLED_IN });
    const one = (type: string) => graph.resources.filter((r) => r.type === type);
    expect(one('aws:s3/bucketVersioning:BucketVersioning').map((r) => r.inputs.versioningConfiguration)).toEqual([{ status: 'Enabled' }]);
    expect(one('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock')[0]!.inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(String(one('aws:s3/bucketPolicy:BucketPolicy')[0]!.inputs.policy)).toContain('aws:SecureTransport');
    // SSE-S3: with SSE-KMS every read of a checkpoint is a kms:Decrypt by the reader, which a preview role may only do
    // with its stack's secrets key.
    expect(one('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration')[0]!.inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
    ]);
    expect(
      one('aws:kms/alias:Alias')
        .map((r) => r.inputs.name)
        .sort(),
    ).toEqual(STACKS.map((s) => `alias/orders-pulumi-${s}`).sort());
    expect(one('aws:kms/key:Key').every((k) => k.inputs.enableKeyRotation === true)).toBe(true);
    expect(one('aws:ecr/repository:Repository')[0]!.inputs).toMatchObject({ name: 'orders-api', imageTagMutability: 'IMMUTABLE' });
  });

  it('on Pulumi Cloud, declares no bucket and gives the roles no state access', async () => {
    const cloud = await ciIdentities({ 'orders-ci:stateBackend': 'pulumi-cloud' });
    expect(cloud.stateBucketArn).toBe('');
    const preview = cloud.roles['orders-ci-development-preview']!;
    expect(
      await decideFor(
        preview.policy,
        preview.arn,
        's3:GetObject',
        'arn:aws:s3:::orders-pulumi-state-123456789012-eu-west-1/.pulumi/stacks/orders/development.json',
      ),
    ).not.toBe('Allowed');
    expect(
      await decideFor(preview.policy, preview.arn, 'dynamodb:DescribeTable', 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders-development-orders'),
    ).toBe('Allowed');
  });
});

describe.each(STACKS)('the %s stack roles’ boundary', (stack) => {
  it('caps a stack role that was given everything', async () => {
    const everything: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    const task = `arn:aws:iam::${ci.account}:role/orders-${stack}-task-abc1234`;
    const boundary = ci.boundaries[stack]!;
    const other = stack === 'main' ? 'development' : 'main';
    const denied: Need[] = [
      { action: 'iam:CreateRole', resource: `arn:aws:iam::${ci.account}:role/escape`, why: 'makes a role' },
      { action: 'iam:PutRolePolicy', resource: task, why: 'grants itself more' },
      { action: 'sts:AssumeRole', resource: `arn:aws:iam::${ci.account}:role/orders-ci-${stack}-deploy`, why: 'becomes the deploy role' },
      {
        action: 'dynamodb:Scan',
        resource: `arn:aws:dynamodb:${ci.region}:${ci.account}:table/orders-${other}-orders`,
        context: { 'aws:ResourceTag/stack': other },
        why: "reads another stack's orders",
      },
      { action: 's3:GetObject', resource: `${ci.stateBucketArn}/.pulumi/stacks/orders/${stack}.json`, why: 'reads the pipeline’s state' },
      {
        action: 'kms:Decrypt',
        resource: ci.stateKeyArns[stack]!,
        context: { 'aws:ResourceTag/purpose': 'ci-identities' },
        why: "decrypts the stack's state secrets",
      },
      { action: 'ecr:BatchDeleteImage', resource: ci.releaseRepositoryArn, why: 'deletes a release' },
      { action: 'ecr:PutImage', resource: ci.releaseRepositoryArn, why: 'replaces a release' },
    ];
    const found: string[] = [];
    for (const need of denied) {
      const decision = await decideFor(everything, task, need.action, need.resource, need.context, boundary);
      if (decision === 'Allowed') found.push(`${need.action} on ${need.resource} (${need.why})`);
    }
    expect(found).toEqual([]);
    // …and leaves what the stack's roles do to their own resources.
    expect(
      await decideFor(
        everything,
        task,
        'dynamodb:PutItem',
        `arn:aws:dynamodb:${ci.region}:${ci.account}:table/orders-${stack}-orders`,
        { 'aws:ResourceTag/stack': stack },
        boundary,
      ),
    ).toBe('Allowed');
  });
});

describe('IAM’s size quotas', () => {
  // "IAM and AWS STS quotas", IAM user guide: a role's inline policies together 10,240 characters, a managed policy
  // 6,144, a role trust policy 2,048 by default (whitespace not counted).
  it('keeps every document within them', () => {
    const over = [
      ...Object.values(ci.roles).flatMap((r) => [
        ...(JSON.stringify(r.policy).length > 10_240 ? [`${r.name} inline policy`] : []),
        ...(JSON.stringify(r.trust).length > 2_048 ? [`${r.name} trust policy`] : []),
      ]),
      ...Object.entries(ci.boundaries).flatMap(([stack, b]) => (JSON.stringify(b).length > 6_144 ? [`${stack} boundary`] : [])),
    ];
    expect(over).toEqual([]);
  });
});

describe('the identities at a first deploy’s preview', () => {
  // As the engine runs it: every id and computed output unknown. Nothing may be registered only once an output is
  // known, or `pulumi up --plan` would refuse it.
  it('registers the same resources as the update', async () => {
    const [preview, update] = await Promise.all(
      (['preview', 'update'] as const).map((mode) => runStackInProcess('ci', { program: 'orders-ci', mode, overrides: CI_FILLED_IN })),
    );
    const urns = (run: Awaited<ReturnType<typeof runStackInProcess>> | undefined) => (run?.urns ?? []).map((u) => u.urn).sort();
    expect(urns(preview).length).toBeGreaterThan(20);
    expect(urns(preview)).toEqual(urns(update));
  });
});
