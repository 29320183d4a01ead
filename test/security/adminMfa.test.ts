import { randomUUID } from 'node:crypto';
import {
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ADMINS_GROUP } from '../../core/userpool';
import { createUser, ensureAdminPool, signIn, trustOf, type LocalAdminPool } from '../../local/cognito';
import { LOCAL_AWS } from '../../local/dynamodb';
import { localCognitoVerifier } from '../../service/src/auth/verifier';
import { createTestApi, type TestApi } from '../support/api';
import { standIns, tokenFor } from '../support/env';
import { base32Decode, totp } from '../support/totp';

/**
 * Stage and main: an admin action needs a sign-in that passed MFA. The API grants admin rights only to tokens of the
 * admins' pool, and that pool requires MFA (guard rule production-sign-in), so a password alone yields no admin token.
 * Here against cognito-local's real TOTP check, with a pool made as stage's and main's is (MfaConfiguration ON).
 *
 * Where cognito-local differs: AWS answers a first password sign-in to an MFA-required pool with the MFA_SETUP
 * challenge (enrolment by session); cognito-local refuses it and enrols only with an access token, so the test enrols
 * the admin while the pool is OPTIONAL, then requires MFA.
 */
const PASSWORD = 'Admin-Passw0rd-2026';
let api: TestApi;
let pool: LocalAdminPool;
let cognito: CognitoIdentityProviderClient;
const email = `mfa-admin-${randomUUID().slice(0, 8)}@example.com`;
let secret: string;

beforeAll(async () => {
  const { cognitoEndpoint, pool: local } = standIns();
  cognito = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: cognitoEndpoint, maxAttempts: 1 });
  pool = await ensureAdminPool(
    { endpoint: cognitoEndpoint, client: () => new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: cognitoEndpoint }) },
    {
      name: `orders-admins-mfa-${randomUUID().slice(0, 8)}`,
      mfa: 'OPTIONAL',
    },
  );
  await createUser(cognito, pool.userPoolId, email, PASSWORD, [ADMINS_GROUP]);
  // Enrol a TOTP app, as an admin does at first sign-in.
  const { accessToken } = await signIn(cognitoEndpoint, pool.clientId, email, PASSWORD);
  secret = (await cognito.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }))).SecretCode!;
  await cognito.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totp(secret), FriendlyDeviceName: 'test' }));
  await cognito.send(
    new SetUserPoolMfaConfigCommand({ UserPoolId: pool.userPoolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true } }),
  );
  api = await createTestApi({
    verifier: localCognitoVerifier({ ...trustOf(local), admins: { issuer: pool.issuer, jwksUri: pool.jwksUri, clientIds: [pool.clientId] } }),
  });
});
afterAll(async () => {
  cognito.destroy();
  await api.close();
});

const passwordSignIn = () =>
  cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: pool.clientId, AuthParameters: { USERNAME: email, PASSWORD: PASSWORD } }));
const putProduct = (token: string) =>
  api.http.put('/v1/products/MFA-PROBE').set('Authorization', `Bearer ${token}`).send({ name: 'Probe', price: 1, currency: 'EUR', stock: 0 });

describe('admin sign-in with MFA required', () => {
  it('computes codes as RFC 6238 says (Appendix B, SHA-1 at T=59 s: 94287082)', () => {
    const secret = Buffer.from('12345678901234567890').toString('base64');
    expect(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').toString('base64')).toBe(secret);
    expect(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000, 8)).toBe('94287082');
  });

  it('gives no token for a password alone: the answer is the TOTP challenge', async () => {
    const answer = await passwordSignIn();
    expect(answer.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    expect(answer.AuthenticationResult).toBeUndefined();
  });

  it('refuses a wrong code, and an admin token from the right one is an admin’s to the API', async () => {
    const { Session } = await passwordSignIn();
    const respond = (code: string) =>
      cognito.send(
        new RespondToAuthChallengeCommand({
          ClientId: pool.clientId,
          ChallengeName: 'SOFTWARE_TOKEN_MFA',
          Session,
          ChallengeResponses: { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: code },
        }),
      );
    const wrong = totp(secret) === '000000' ? '111111' : '000000';
    await expect(respond(wrong)).rejects.toMatchObject({ name: 'CodeMismatchException' });
    const token = (await respond(totp(secret))).AuthenticationResult?.AccessToken;
    expect(token).toEqual(expect.any(String));
    expect((await putProduct(token!)).status).toBe(201);
  });

  it('does not take a token of another admins’ pool (npm start’s, whose MFA is optional) once the API trusts this one', async () => {
    expect((await putProduct(await tokenFor('admin'))).status).toBe(401);
  });
});
