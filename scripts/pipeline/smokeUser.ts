import { randomBytes } from 'node:crypto';
import {
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { SMOKE_USERNAME } from '../../core/userpool';
import { createUser } from '../../local/cognito';

/**
 * Signs the smoke customer in through the smoke client's ADMIN_USER_PASSWORD_AUTH: a flow that takes the
 * pipeline's IAM credentials, so no password flow is open to the public, and no password is stored anywhere
 * (each run sets a fresh random one). The customer never orders, so it reads only an empty list.
 */
export async function smokeSignIn(cognito: CognitoIdentityProviderClient, pool: { userPoolId: string; smokeClientId: string }): Promise<string> {
  const { userPoolId } = pool;
  // Upper, lower, digit and length, whatever the random part holds.
  const password = `Sm0ke-${randomBytes(24).toString('base64url')}`;
  try {
    await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: SMOKE_USERNAME }));
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: SMOKE_USERNAME, Password: password, Permanent: true }));
  } catch (err) {
    if ((err as { name?: string }).name !== 'UserNotFoundException') throw err;
    await createUser(cognito, userPoolId, SMOKE_USERNAME, password);
  }
  const result = await cognito.send(
    new AdminInitiateAuthCommand({
      UserPoolId: userPoolId,
      ClientId: pool.smokeClientId,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: SMOKE_USERNAME, PASSWORD: password },
    }),
  );
  const token = result.AuthenticationResult?.AccessToken;
  if (!token) throw new Error(`the smoke customer got no token (challenge: ${result.ChallengeName ?? 'none'})`);
  return token;
}
