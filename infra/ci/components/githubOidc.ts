import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { GITHUB_OIDC_HOST, STS_AUDIENCE } from '../names';

/**
 * GitHub Actions as an OpenID Connect provider of the account: one per account, shared by every role that trusts
 * a workflow. AWS validates GitHub's tokens against its own trusted root CAs, so the thumbprint is not checked; the
 * audience list is what aws-actions/configure-aws-credentials asks for.
 */
export class GithubOidc extends pulumi.ComponentResource {
  readonly provider: aws.iam.OpenIdConnectProvider;

  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super('orders:ci:GithubOidc', name, {}, opts);
    this.provider = new aws.iam.OpenIdConnectProvider(
      name,
      { url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: [STS_AUDIENCE] },
      { parent: this, protect: true },
    );
    this.registerOutputs({ arn: this.provider.arn });
  }
}
