import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { userPoolShape } from '../../core/userpool';
import { statefulResourceOptions } from './protection';

export interface IdentityArgs {
  protect: boolean;
}

/** Cognito: the user pool, the API's app client and the admins group — the shape the local Cognito also gets. */
export class Identity extends pulumi.ComponentResource {
  readonly userPool: aws.cognito.UserPool;
  readonly client: aws.cognito.UserPoolClient;

  constructor(name: string, args: IdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:identity:Identity', name, {}, opts);
    const policy = userPoolShape.passwordPolicy;
    this.userPool = new aws.cognito.UserPool(
      name,
      {
        usernameAttributes: [...userPoolShape.usernameAttributes],
        autoVerifiedAttributes: [...userPoolShape.autoVerifiedAttributes],
        passwordPolicy: {
          minimumLength: policy.minimumLength,
          requireLowercase: policy.requireLowercase,
          requireUppercase: policy.requireUppercase,
          requireNumbers: policy.requireNumbers,
          requireSymbols: policy.requireSymbols,
          temporaryPasswordValidityDays: policy.temporaryPasswordValidityDays,
        },
        accountRecoverySetting: { recoveryMechanisms: [{ name: 'verified_email', priority: 1 }] },
        deletionProtection: args.protect ? 'ACTIVE' : 'INACTIVE',
      },
      statefulResourceOptions(args.protect, this),
    );
    this.client = new aws.cognito.UserPoolClient(
      name,
      {
        userPoolId: this.userPool.id,
        generateSecret: false,
        explicitAuthFlows: [...userPoolShape.explicitAuthFlows],
        preventUserExistenceErrors: 'ENABLED',
        accessTokenValidity: userPoolShape.accessTokenValidityMinutes,
        tokenValidityUnits: { accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' },
        idTokenValidity: userPoolShape.accessTokenValidityMinutes,
        refreshTokenValidity: 30,
      },
      { parent: this },
    );
    for (const group of userPoolShape.groups) {
      new aws.cognito.UserGroup(`${name}-${group.name}`, { userPoolId: this.userPool.id, name: group.name, description: group.description }, { parent: this });
    }
    this.registerOutputs({ userPoolId: this.userPool.id, clientId: this.client.id });
  }
}
