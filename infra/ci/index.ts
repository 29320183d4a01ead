import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { GithubOidc } from './components/githubOidc';
import { ReleaseIdentity } from './components/releaseIdentity';
import { StackRoles } from './components/stackRoles';
import { StateBackend } from './components/stateBackend';
import { readCiConfig } from './config';
import { stateKeyAlias } from './names';

/**
 * The pipeline's own identities in one AWS account: `pulumi -C infra/ci up --stack <account>`.
 *   GitHub OIDC provider → state backend (s3) → per order stack: preview role, deploy role → release repository and role
 * docs/ci-identities.md explains each role and how the trust matrix is proven.
 */
const config = readCiConfig();
const account = aws.getCallerIdentityOutput({}).accountId;
const repository = {
  repository: config.repository,
  repositoryId: config.repositoryId,
  workflow: config.workflow,
  ...(config.subject ? { subject: config.subject } : {}),
};

const github = new GithubOidc('github-actions');

const backend = config.stateBackend === 's3' ? new StateBackend('orders-state', { account, region: config.region, stacks: config.stacks }) : undefined;

const roles = config.stacks.map(
  (stack) =>
    new StackRoles(`orders-ci-${stack}`, {
      stack,
      account,
      region: config.region,
      providerArn: github.provider.arn,
      repository,
      pullRequestPreviews: config.pullRequestPreviews.includes(stack),
      ...(backend ? { state: { bucketArn: backend.bucket.arn, keyArn: backend.keyArn(stack) } } : {}),
    }),
);

const release = config.releaseRepository
  ? new ReleaseIdentity('orders-release', {
      providerArn: github.provider.arn,
      repository,
      branches: ['development', 'stage'].filter((b) => config.stacks.includes(b as never)),
    })
  : undefined;

// What the repository's setup needs (docs/pipeline.md, "Repository setup"): the account, the backend URL, the registry.
export const accountId = account;
export const awsRegion = config.region;
export const oidcProviderArn = github.provider.arn;
export const stateBackendUrl = backend ? pulumi.interpolate`s3://${backend.bucket.bucket}` : undefined;
export const secretsProviders = backend ? Object.fromEntries(config.stacks.map((s) => [s, `awskms://${stateKeyAlias(s)}?region=${config.region}`])) : undefined;
export const roleArns = pulumi.output(
  Object.fromEntries(
    roles.flatMap((r, i) => [
      [`${config.stacks[i]}-preview`, r.preview.arn],
      [`${config.stacks[i]}-deploy`, r.deploy.arn],
    ]),
  ),
);
export const releaseRegistry = release?.repository.repositoryUrl.apply((url) => url.split('/')[0]);
export const releaseRoleArn = release?.role.arn;
