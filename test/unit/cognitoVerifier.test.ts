import { readFileSync } from 'node:fs';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { callerFromClaims, cognitoVerifier } from '../../service/src/auth/verifier';
import { signToken } from '../support/jwt';

/**
 * The verifier the API runs in AWS (aws-jwt-verify's CognitoJwtVerifier over both pools), on tokens signed with
 * cognito-local's key and served as the pools' JWKS: no Cognito can answer here, so only the key fetch is local.
 * Real Cognito issues `iss` in two forms (regional, and the newer issuer format a pool can be switched to); an admin
 * keeps their rights in both.
 */
const CUSTOMERS = 'eu-west-1_Customers';
const ADMINS = 'eu-west-1_Admins';
const { jwk } = JSON.parse(readFileSync(require.resolve('cognito-local/lib/keys/cognitoLocal.public.json'), 'utf8')) as { jwk: object };
const fetched: string[] = [];
const verifier = cognitoVerifier(
  { customers: { userPoolId: CUSTOMERS, clientIds: ['app'] }, admins: { userPoolId: ADMINS, clientIds: ['console'] } },
  {
    jwksCache: new SimpleJwksCache({
      fetcher: {
        fetch: async (uri: string) => {
          fetched.push(uri);
          return new TextEncoder().encode(JSON.stringify({ keys: [jwk] })).buffer;
        },
      },
    }),
  },
);

const now = Math.floor(Date.now() / 1000);
const token = (pool: string, clientId: string, groups: string[], issuerForm: 'regional' | 'global' = 'regional') =>
  signToken({
    iss: issuerForm === 'regional' ? `https://cognito-idp.eu-west-1.amazonaws.com/${pool}` : `https://issuer-cognito-idp.eu-west-1.amazonaws.com/${pool}`,
    sub: `${pool}-user`,
    username: 'someone',
    token_use: 'access',
    client_id: clientId,
    'cognito:groups': groups,
    iat: now,
    exp: now + 600,
  });

describe('the API’s verifier in AWS', () => {
  it('grants admin rights to the admins’ pool in its admins group, in either issuer form', async () => {
    await expect(verifier.verify(token(ADMINS, 'console', ['admins']))).resolves.toMatchObject({ isAdmin: true, sub: `${ADMINS}-user` });
    await expect(verifier.verify(token(ADMINS, 'console', ['admins'], 'global'))).resolves.toMatchObject({ isAdmin: true });
    await expect(verifier.verify(token(ADMINS, 'console', []))).resolves.toMatchObject({ isAdmin: false });
    expect(fetched.every((uri) => uri.startsWith('https://cognito-idp.eu-west-1.amazonaws.com/') || uri.startsWith('https://issuer-cognito-idp.'))).toBe(true);
  });

  it('keeps a customer a customer whatever groups the token names, and holds each pool to its own clients', async () => {
    await expect(verifier.verify(token(CUSTOMERS, 'app', ['admins']))).resolves.toMatchObject({ isAdmin: false });
    await expect(verifier.verify(token(CUSTOMERS, 'console', ['admins']))).rejects.toThrow(/client/i);
    await expect(verifier.verify(token(ADMINS, 'app', ['admins']))).rejects.toThrow(/client/i);
    await expect(verifier.verify(token('eu-west-1_Other', 'app', []))).rejects.toThrow(/issuer/i);
  });
});

describe('the caller a token names', () => {
  it('keeps only the groups that are names, none when the claim is missing or not a list', () => {
    const issuer = `https://cognito-idp.eu-west-1.amazonaws.com/${ADMINS}`;
    const claims = { iss: issuer, sub: 's1', username: 'ann' };
    expect(callerFromClaims({ ...claims, 'cognito:groups': ['admins', 7, null, 'ops'] }, [issuer])).toEqual({
      sub: 's1',
      username: 'ann',
      groups: ['admins', 'ops'],
      isAdmin: true,
    });
    expect(callerFromClaims(claims, [issuer]).groups).toEqual([]);
    expect(callerFromClaims({ ...claims, 'cognito:groups': 'admins' }, [issuer])).toMatchObject({ groups: [], isAdmin: false });
    expect(callerFromClaims({ iss: issuer, sub: 's2' }, [issuer]).username).toBe('s2');
  });
});
