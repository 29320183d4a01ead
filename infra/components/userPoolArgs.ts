import type * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { REFRESH_TOKEN_ROTATION, type adminPoolShape, type userPoolShape } from '../../core/userpool';
import type { IdentityConfig } from '../config';

/** What a pool is built from: its shared shape (core/userpool.ts) and the stack's settings for it. */
export interface PoolSettings {
  shape: typeof userPoolShape | typeof adminPoolShape;
  protect: boolean;
  selfSignUp: boolean;
  threatProtection: IdentityConfig['threatProtection'];
  mfa: IdentityConfig['mfa'];
  ses?: IdentityConfig['ses'];
  /** Tags the guard rules read (infra/policy/access.ts: which pool is the admins'). */
  tags?: Record<string, string>;
}

/** A user pool's arguments, the same for customers and admins but for what the settings say. */
export function userPoolArgs(settings: PoolSettings): aws.cognito.UserPoolArgs {
  const policy = settings.shape.passwordPolicy;
  return {
    usernameAttributes: [...settings.shape.usernameAttributes],
    autoVerifiedAttributes: [...settings.shape.autoVerifiedAttributes],
    passwordPolicy: {
      minimumLength: policy.minimumLength,
      requireLowercase: policy.requireLowercase,
      requireUppercase: policy.requireUppercase,
      requireNumbers: policy.requireNumbers,
      requireSymbols: policy.requireSymbols,
      temporaryPasswordValidityDays: policy.temporaryPasswordValidityDays,
    },
    accountRecoverySetting: { recoveryMechanisms: [{ name: 'verified_email', priority: 1 }] },
    deletionProtection: settings.protect ? 'ACTIVE' : 'INACTIVE',
    // Decided per stack: customers register themselves where selfSignUp is on; elsewhere only admins add users.
    adminCreateUserConfig: { allowAdminCreateUserOnly: !settings.selfSignUp },
    // Threat protection (compromised credentials, adaptive authentication) is a Plus-tier feature; refresh-token
    // rotation needs Essentials at least.
    userPoolTier: settings.threatProtection === 'OFF' ? 'ESSENTIALS' : 'PLUS',
    ...(settings.threatProtection === 'OFF' ? {} : { userPoolAddOns: { advancedSecurityMode: settings.threatProtection } }),
    mfaConfiguration: settings.mfa,
    ...(settings.mfa === 'OFF' ? {} : { softwareTokenMfaConfiguration: { enabled: true } }),
    // Cognito's own sender is limited to 50 e-mails a day: production sign-ups need SES (docs/deploying.md).
    emailConfiguration: settings.ses
      ? { emailSendingAccount: 'DEVELOPER', sourceArn: settings.ses.identityArn, fromEmailAddress: settings.ses.fromAddress }
      : { emailSendingAccount: 'COGNITO_DEFAULT' },
    ...(settings.tags ? { tags: settings.tags } : {}),
  };
}

/** A client's arguments: its flows, token lifetimes, and rotation where people sign in with it. */
export function userPoolClientArgs(
  userPoolId: pulumi.Input<string>,
  client: { name: string; explicitAuthFlows: readonly string[]; rotateRefreshTokens: boolean; refreshTokenDays: number },
  accessTokenMinutes: number,
): aws.cognito.UserPoolClientArgs {
  return {
    name: client.name,
    userPoolId,
    generateSecret: false,
    explicitAuthFlows: [...client.explicitAuthFlows],
    preventUserExistenceErrors: 'ENABLED',
    accessTokenValidity: accessTokenMinutes,
    tokenValidityUnits: { accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' },
    idTokenValidity: accessTokenMinutes,
    refreshTokenValidity: client.refreshTokenDays,
    ...(client.rotateRefreshTokens ? { refreshTokenRotation: { ...REFRESH_TOKEN_ROTATION } } : {}),
  };
}
