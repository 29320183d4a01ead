import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { APP_CLIENTS, userPoolShape, type AppClientRole } from '../../core/userpool';
import type { IdentityConfig } from '../config';
import { statefulResourceOptions } from './protection';

export interface IdentityArgs {
  protect: boolean;
  config: IdentityConfig;
}

/**
 * Cognito: the user pool (the shape the local Cognito also gets), its app clients (core/userpool.ts
 * APP_CLIENTS: the load-test client only where the stack carries a gate), and the admins group.
 */
export class Identity extends pulumi.ComponentResource {
  readonly userPool: aws.cognito.UserPool;
  /** The front ends' client: SRP and refresh only. */
  readonly client: aws.cognito.UserPoolClient;
  readonly smokeClient: aws.cognito.UserPoolClient;
  readonly loadTestClient?: aws.cognito.UserPoolClient;
  /** Every client whose access tokens the API accepts. */
  readonly clientIds: pulumi.Output<string>[];

  constructor(name: string, args: IdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('orders:identity:Identity', name, {}, opts);
    const policy = userPoolShape.passwordPolicy;
    const { config } = args;
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
        // Decided per stack: customers register themselves where selfSignUp is on; elsewhere only admins add users.
        adminCreateUserConfig: { allowAdminCreateUserOnly: !config.selfSignUp },
        // Threat protection (compromised credentials, adaptive authentication) is a Plus-tier feature.
        userPoolTier: config.threatProtection === 'OFF' ? 'ESSENTIALS' : 'PLUS',
        ...(config.threatProtection === 'OFF' ? {} : { userPoolAddOns: { advancedSecurityMode: config.threatProtection } }),
        mfaConfiguration: config.mfa,
        ...(config.mfa === 'OFF' ? {} : { softwareTokenMfaConfiguration: { enabled: true } }),
        // Cognito's own sender is limited to 50 e-mails a day: production sign-ups need SES (docs/deploying.md).
        emailConfiguration: config.ses
          ? { emailSendingAccount: 'DEVELOPER', sourceArn: config.ses.identityArn, fromEmailAddress: config.ses.fromAddress }
          : { emailSendingAccount: 'COGNITO_DEFAULT' },
      },
      statefulResourceOptions(args.protect, this),
    );
    const appClient = (role: AppClientRole, resourceName: string) =>
      new aws.cognito.UserPoolClient(
        resourceName,
        {
          name: APP_CLIENTS[role].name,
          userPoolId: this.userPool.id,
          generateSecret: false,
          explicitAuthFlows: [...APP_CLIENTS[role].explicitAuthFlows],
          preventUserExistenceErrors: 'ENABLED',
          accessTokenValidity: config.accessTokenMinutes,
          tokenValidityUnits: { accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' },
          idTokenValidity: config.accessTokenMinutes,
          refreshTokenValidity: 30,
        },
        { parent: this },
      );
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
