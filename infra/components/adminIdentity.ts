import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { ADMIN_CLIENT, adminPoolShape } from '../../core/userpool';
import type { IdentityConfig } from '../config';
import { ADMIN_POOL_ROLE, POOL_ROLE_TAG } from '../policy/access';
import { statefulResourceOptions } from './protection';
import { userPoolArgs, userPoolClientArgs } from './userPoolArgs';

export interface AdminIdentityArgs {
  protect: boolean;
  config: IdentityConfig;
}

/**
 * Cognito for admins: a pool of their own, since MFA is set per pool and an access token does not say whether its
 * sign-in passed MFA. With the pool's MFA ON (stage, main) every token it issues came from a sign-in with a TOTP code;
 * the API grants admin rights to its tokens only (service/src/auth/verifier.ts). Only admins add users to it.
 */
export class AdminIdentity extends pulumi.ComponentResource {
  readonly userPool: aws.cognito.UserPool;
  /** The admin console's client: SRP, the MFA challenge, refresh with rotation. */
  readonly client: aws.cognito.UserPoolClient;

  constructor(name: string, args: AdminIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:identity:AdminIdentity', name, {}, opts);
    const { config } = args;
    this.userPool = new aws.cognito.UserPool(
      `${name}-admins`,
      userPoolArgs({
        shape: adminPoolShape,
        protect: args.protect,
        selfSignUp: false,
        threatProtection: config.admins.threatProtection,
        mfa: config.admins.mfa,
        ses: config.ses,
        tags: { [POOL_ROLE_TAG]: ADMIN_POOL_ROLE },
      }),
      statefulResourceOptions(args.protect, this),
    );
    this.client = new aws.cognito.UserPoolClient(`${name}-admin`, userPoolClientArgs(this.userPool.id, ADMIN_CLIENT, config.accessTokenMinutes), {
      parent: this,
    });
    for (const group of adminPoolShape.groups) {
      new aws.cognito.UserGroup(
        `${name}-admins-${group.name}`,
        { userPoolId: this.userPool.id, name: group.name, description: group.description },
        { parent: this },
      );
    }
    this.registerOutputs({ userPoolId: this.userPool.id, clientId: this.client.id });
  }
}
