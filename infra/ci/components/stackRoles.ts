import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { boundaryPolicyName, deployRoleName, previewRoleName } from '../names';
import { stackRoleBoundary } from '../policies/boundary';
import { deployPolicy } from '../policies/deploy';
import { githubTrust, type Caller, type GithubRepository } from '../policies/github';
import { previewPolicy } from '../policies/preview';
import type { StateLocation } from '../policies/state';

export interface StackRolesArgs {
  stack: string;
  account: pulumi.Input<string>;
  region: string;
  providerArn: pulumi.Input<string>;
  repository: GithubRepository;
  /** Pull requests into this stack's branch get a preview with this stack's preview role. */
  pullRequestPreviews: boolean;
  /** The stack's state on the self-managed backend (undefined on Pulumi Cloud). */
  state?: { bucketArn: pulumi.Input<string>; keyArn: pulumi.Input<string> };
}

/**
 * One order stack's two pipeline identities. The preview role (plan and gate jobs on a push to the stack's
 * branch; pull requests into it where allowed) reads configuration and its own state, never data. The deploy role
 * (the deploy job: environment `<stack>`, branch `<stack>`, the pipeline's workflow file) runs `pulumi up`.
 */
export class StackRoles extends pulumi.ComponentResource {
  readonly preview: aws.iam.Role;
  readonly deploy: aws.iam.Role;
  /** The permissions boundary the stack's own roles must carry. */
  readonly boundary: aws.iam.Policy;

  constructor(name: string, args: StackRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:ci:StackRoles', name, {}, opts);
    const { stack } = args;
    const state: pulumi.Output<StateLocation | undefined> = args.state
      ? pulumi.all([args.state.bucketArn, args.state.keyArn]).apply(([bucketArn, keyArn]) => ({ bucketArn, keyArn }))
      : pulumi.output(undefined);
    const previewCallers: Caller[] = [{ kind: 'push', branch: stack }, ...(args.pullRequestPreviews ? [{ kind: 'pull_request' } as const] : [])];
    const trust = (callers: Caller[]) => pulumi.output(args.providerArn).apply((arn) => JSON.stringify(githubTrust(arn, args.repository, callers)));

    this.preview = new aws.iam.Role(
      `${name}-preview`,
      {
        name: previewRoleName(stack),
        description: `pulumi preview of the orders stack ${stack}: configuration and its own state, no data`,
        assumeRolePolicy: trust(previewCallers),
        maxSessionDuration: 3600,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-preview`,
      { role: this.preview.id, policy: state.apply((s) => JSON.stringify(previewPolicy({ stack, ...(s ? { state: s } : {}) }))) },
      { parent: this },
    );

    this.deploy = new aws.iam.Role(
      `${name}-deploy`,
      {
        name: deployRoleName(stack),
        description: `pulumi up of the orders stack ${stack}, from its branch, environment and workflow only`,
        assumeRolePolicy: trust([{ kind: 'environment', environment: stack, branch: stack }]),
        maxSessionDuration: 3600,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-deploy`,
      {
        role: this.deploy.id,
        policy: pulumi
          .all([args.account, state])
          .apply(([account, s]) =>
            JSON.stringify(deployPolicy({ account, region: args.region, stack, keepsData: stack !== 'development', ...(s ? { state: s } : {}) })),
          ),
      },
      { parent: this },
    );
    this.boundary = new aws.iam.Policy(
      `${name}-boundary`,
      {
        name: boundaryPolicyName(stack),
        description: `The most any role of the orders stack ${stack} may do`,
        policy: state.apply((s) => JSON.stringify(stackRoleBoundary({ stack, ...(s ? { stateBucketArn: s.bucketArn } : {}) }))),
      },
      { parent: this },
    );
    this.registerOutputs({ preview: this.preview.arn, deploy: this.deploy.arn, boundary: this.boundary.arn });
  }
}
