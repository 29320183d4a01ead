/**
 * The names the pipeline and the identities agree on. The workflow builds role ARNs from them
 * (`arn:aws:iam::<AWS_ACCOUNT_ID>:role/<name>`), so they are fixed names, not Pulumi's autonames.
 */
export const STACKS = ['development', 'stage', 'main'] as const;
export type StackName = (typeof STACKS)[number];

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** The audience aws-actions/configure-aws-credentials asks GitHub for. */
export const STS_AUDIENCE = 'sts.amazonaws.com';
export const WORKFLOW_FILE = '.github/workflows/pipeline.yml';

export const previewRoleName = (stack: string) => `orders-ci-${stack}-preview`;
export const deployRoleName = (stack: string) => `orders-ci-${stack}-deploy`;
export const RELEASE_ROLE_NAME = 'orders-ci-release';
export const RELEASE_REPOSITORY = 'orders-api';

/**
 * The permissions boundary every role of an order stack carries: the most any of them may ever do, whatever a
 * deploy writes into their policies. A deploy role may only create and change roles that carry it.
 */
export const boundaryPolicyName = (stack: string) => `orders-ci-${stack}-boundary`;
export const boundaryPolicyArn = (account: string, stack: string) => `arn:aws:iam::${account}:policy/${boundaryPolicyName(stack)}`;

/**
 * Roles, buckets, queues and topics of an order stack are named `orders-<stack>-…` (infra/index.ts). A few names
 * predate that and are kept (renaming a table or a function replaces it): the table `orders-<stack>`, the
 * function `orders-processor-<stack>`, and log groups named after them. The deploy role's name-scoped statements
 * use these patterns; test/infra/ciIdentities.test.ts checks them against every name each stack's graph holds.
 */
export const stackResourcePrefix = (stack: string) => `orders-${stack}-`;
export const stackNamePatterns = (stack: string) => ({
  tables: [`orders-${stack}`, `orders-${stack}/*`, `orders-${stack}-*`],
  functions: [`orders-${stack}-*`, `orders-*-${stack}`],
  // CreateLogGroup is authorised on `log-group:<name>:log-stream:`, so every pattern ends in a wildcard.
  logGroups: [`*orders-${stack}-*`, `*orders-${stack}/*`, `/aws/lambda/orders-*-${stack}*`, `/ecs/orders-*-${stack}*`],
});

/** The self-managed backend (`pulumi login s3://<bucket>`): one bucket per account and region. */
export const stateBucketName = (account: string, region: string) => `orders-pulumi-state-${account}-${region}`;
/** The KMS key that encrypts one stack's secrets (`--secrets-provider awskms://alias/orders-pulumi-<stack>`). */
export const stateKeyAlias = (stack: string) => `alias/orders-pulumi-${stack}`;
/** Where Pulumi's DIY backend keeps one project's stack (pkg/backend/diy: stacks, history, backups, locks). */
export const stateObjects = (stack: string, project = 'orders') => ({
  checkpoint: `.pulumi/stacks/${project}/${stack}.json`,
  /** Read by every preview and update since Pulumi 3.211 (pkg/backend/diy: loadStackTags; "not found" is fine). */
  tags: `.pulumi/stacks/${project}/${stack}.pulumi-tags`,
  all: [
    `.pulumi/stacks/${project}/${stack}.json*`,
    `.pulumi/stacks/${project}/${stack}.pulumi-tags`,
    `.pulumi/history/${project}/${stack}/*`,
    `.pulumi/backups/${project}/${stack}/*`,
    `.pulumi/locks/${project}/${stack}/*`,
  ],
  meta: '.pulumi/meta.yaml',
});

/** Tag of the pipeline's own resources (infra/ci/Pulumi.ci.yaml, aws:defaultTags): no stack may retag or use them. */
export const CI_PURPOSE_TAG = { key: 'purpose', value: 'ci-identities' } as const;
