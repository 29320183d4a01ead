import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '../../../infra/ci/policies/document';
import { runStackInProcess } from '../../../scripts/graph/runStackInProcess';
import type { Decision } from './contract';

/**
 * The pipeline's roles as infra/ci declares them: each role's trust policy and inline policy, read from the
 * program's mocked graph (the documents the program would send to IAM), plus the ARNs the policies name.
 */
export const CI_REPOSITORY = { repository: 'northwind/orders', repositoryId: '812345678' };
/** What an operator writes over infra/ci/Pulumi.ci.yaml's placeholders. */
export const CI_FILLED_IN = {
  'orders-ci:repository': CI_REPOSITORY.repository,
  'orders-ci:repositoryId': CI_REPOSITORY.repositoryId,
  'orders-ci:stateBackend': 's3',
};

export interface CiRole {
  name: string;
  arn: string;
  trust: PolicyDocument;
  policy: PolicyDocument;
}
export interface CiIdentities {
  account: string;
  region: string;
  providerArn: string;
  roles: Record<string, CiRole>;
  stateBucketArn: string;
  stateKeyArns: Record<string, string>;
  releaseRepositoryArn: string;
  /** Per stack, the permissions boundary its own roles carry. */
  boundaries: Record<string, PolicyDocument>;
}

export async function ciIdentities(overrides: Record<string, unknown> = {}): Promise<CiIdentities> {
  const graph = await runStackInProcess('ci', { program: 'orders-ci', overrides: { ...CI_FILLED_IN, ...overrides } });
  const of = (type: string) => graph.resources.filter((r) => r.type === type);
  const outputs = graph.outputs as { accountId: string; awsRegion: string; oidcProviderArn: string; stateBackendUrl?: string };
  const roles: Record<string, CiRole> = {};
  for (const role of of('aws:iam/role:Role')) {
    const name = role.inputs.name as string;
    const inline = of('aws:iam/rolePolicy:RolePolicy').find((p) => p.name === role.name);
    if (!inline) throw new Error(`role ${name} has no inline policy`);
    roles[name] = {
      name,
      arn: `arn:aws:iam::${outputs.accountId}:role/${name}`,
      trust: JSON.parse(role.inputs.assumeRolePolicy as string) as PolicyDocument,
      policy: JSON.parse(inline.inputs.policy as string) as PolicyDocument,
    };
  }
  const bucket = outputs.stateBackendUrl?.replace('s3://', '') ?? '';
  const stateKeyArns = Object.fromEntries(
    of('aws:kms/key:Key').map((k) => [k.name.replace('orders-state-', ''), `arn:aws:kms:${outputs.awsRegion}:${outputs.accountId}:key/${k.name}`]),
  );
  const repository = of('aws:ecr/repository:Repository')[0];
  const boundaries = Object.fromEntries(
    of('aws:iam/policy:Policy').map((p) => [
      String(p.inputs.name).replace(/^orders-ci-(\w+)-boundary$/, '$1'),
      JSON.parse(p.inputs.policy as string) as PolicyDocument,
    ]),
  );
  return {
    boundaries,
    account: outputs.accountId,
    region: outputs.awsRegion,
    providerArn: outputs.oidcProviderArn,
    roles,
    stateBucketArn: bucket ? `arn:aws:s3:::${bucket}` : '',
    stateKeyArns,
    releaseRepositoryArn: repository ? `arn:aws:ecr:${outputs.awsRegion}:${outputs.accountId}:repository/${repository.inputs.name as string}` : '',
  };
}

/**
 * A KMS key answers only what its key policy lets IAM decide. The keys here carry AWS's default key policy, which
 * gives the account (and so its IAM policies) full use of the key: "Default key policy", AWS KMS developer guide.
 */
const defaultKeyPolicy = (account: string) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
});

/** One request against one identity policy, decided by the IAM evaluator. */
export async function decideFor(
  policy: PolicyDocument,
  principal: string,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
  /** The permissions boundary the principal carries, if any. */
  boundary?: PolicyDocument,
): Promise<Decision> {
  const account = principal.split(':')[4]!;
  const response = await runSimulation(
    {
      ...(boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: boundary as never }] } : {}),
      ...(resource.startsWith('arn:aws:kms:') && resource.includes(':key/') ? { resourcePolicy: defaultKeyPolicy(account) } : {}),
      identityPolicies: [{ name: 'inline', policy: policy as never }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: { action, principal, resource: { resource, accountId: account }, contextVariables: context },
    },
    {},
  );
  if (response.resultType === 'error') return `invalid: ${JSON.stringify(response.errors).slice(0, 300)}`;
  return response.overallResult as Decision;
}
