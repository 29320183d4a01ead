import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { APP_CLIENTS, userPoolShape, type AppClientRole } from '../../core/userpool';
import type { IdentityConfig } from '../config';
import { statefulResourceOptions } from './protection';
import { userPoolArgs, userPoolClientArgs } from './userPoolArgs';

export interface IdentityArgs {
  protect: boolean;
  config: IdentityConfig;
}

/**
 * Cognito for customers: the user pool (the shape the local Cognito also gets), its app clients (core/userpool.ts
 * APP_CLIENTS: the load-test client only where the stack carries a gate) and its groups. Admins have their own pool
 * (AdminIdentity).
 */
export class Identity extends pulumi.ComponentResource {
  readonly userPool: aws.cognito.UserPool;
  /** The front ends' client: SRP, and refresh with rotation. */
  readonly client: aws.cognito.UserPoolClient;
  readonly smokeClient: aws.cognito.UserPoolClient;
  readonly loadTestClient?: aws.cognito.UserPoolClient;
  /** Every client whose access tokens the API accepts. */
  readonly clientIds: pulumi.Output<string>[];

  constructor(name: string, args: IdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:identity:Identity', name, {}, opts);
    const { config } = args;
    this.userPool = new aws.cognito.UserPool(
      name,
      userPoolArgs({
        shape: userPoolShape,
        protect: args.protect,
        selfSignUp: config.selfSignUp,
        threatProtection: config.threatProtection,
        mfa: config.mfa,
        ses: config.ses,
      }),
      statefulResourceOptions(args.protect, this),
    );
    const appClient = (role: AppClientRole, resourceName: string) =>
      new aws.cognito.UserPoolClient(resourceName, userPoolClientArgs(this.userPool.id, APP_CLIENTS[role], config.accessTokenMinutes), { parent: this });
    // The app client keeps its original resource name, so existing stacks update it in place.
    this.client = appClient('app', name);
    this.smokeClient = appClient('smoke', `${name}-smoke`);
    if (config.loadTestClient) this.loadTestClient = appClient('loadTest', `${name}-loadtest`);
    this.clientIds = [this.client, this.smokeClient, ...(this.loadTestClient ? [this.loadTestClient] : [])].map((c) => c.id);
    for (const group of userPoolShape.groups) {
      new aws.cognito.UserGroup(`${name}-${group.name}`, { userPoolId: this.userPool.id, name: group.name, description: group.description }, { parent: this });
    }
    this.registerOutputs({ userPoolId: this.userPool.id, clientId: this.client.id });
  }
}
