import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { RELEASE_REPOSITORY, RELEASE_ROLE_NAME } from '../names';
import { githubTrust, type GithubRepository } from '../policies/github';
import { releasePolicy } from '../policies/release';

export interface ReleaseIdentityArgs {
  providerArn: pulumi.Input<string>;
  repository: GithubRepository;
  /** Branches whose pushes build a release: development, and stage for a tree development never judged. */
  branches: readonly string[];
}

/**
 * The shared image repository every stack pulls from (tags immutable: a release is its digest, and no push can
 * move a tag under a stack), and the release job's role, which may push to it and do nothing else.
 */
export class ReleaseIdentity extends pulumi.ComponentResource {
  readonly repository: aws.ecr.Repository;
  readonly role: aws.iam.Role;

  constructor(name: string, args: ReleaseIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:ci:ReleaseIdentity', name, {}, opts);
    this.repository = new aws.ecr.Repository(
      name,
      {
        name: RELEASE_REPOSITORY,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: 'AES256' }],
      },
      { parent: this, protect: true },
    );
    this.role = new aws.iam.Role(
      name,
      {
        name: RELEASE_ROLE_NAME,
        description: 'The release job: pushes the API image to the shared repository',
        assumeRolePolicy: pulumi.output(args.providerArn).apply((arn) =>
          JSON.stringify(
            githubTrust(
              arn,
              args.repository,
              args.branches.map((branch) => ({ kind: 'push', branch })),
            ),
          ),
        ),
        maxSessionDuration: 3600,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(name, { role: this.role.id, policy: this.repository.arn.apply((arn) => JSON.stringify(releasePolicy(arn))) }, { parent: this });
    this.registerOutputs({ repositoryUrl: this.repository.repositoryUrl, role: this.role.arn });
  }
}
