import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { ADMINS_GROUP } from '../../../core/userpool';

/** Who is calling, as far as the order service cares. */
export interface Caller {
  sub: string;
  username: string;
  groups: string[];
  isAdmin: boolean;
}

/** Verifies a Cognito access token; rejects (with a reason) anything that is not one for our client. */
export interface AccessTokenVerifier {
  verify(token: string): Promise<Caller>;
}

interface AccessClaims {
  sub?: unknown;
  username?: unknown;
  'cognito:groups'?: unknown;
  token_use?: unknown;
  client_id?: unknown;
}

export function callerFromClaims(claims: AccessClaims): Caller {
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'].filter((g): g is string => typeof g === 'string') : [];
  return {
    sub: String(claims.sub),
    username: typeof claims.username === 'string' ? claims.username : String(claims.sub),
    groups,
    isAdmin: groups.includes(ADMINS_GROUP),
  };
}

/** In AWS: Cognito's own verifier (issuer, JWKS over https, token_use=access, client_id one of the pool's app clients). */
export function cognitoVerifier(options: { userPoolId: string; clientIds: readonly string[] }): AccessTokenVerifier {
  const verifier = CognitoJwtVerifier.create({ userPoolId: options.userPoolId, tokenUse: 'access', clientId: [...options.clientIds] });
  return {
    async verify(token) {
      return callerFromClaims((await verifier.verify(token)) as AccessClaims);
    },
  };
}

/**
 * Locally: cognito-local serves its JWKS over plain http and has a pool id CognitoJwtVerifier rejects, so we
 * use the generic RSA verifier with the checks Cognito's verifier would make (token_use and client_id).
 */
export function localCognitoVerifier(options: { issuer: string; jwksUri: string; clientIds: readonly string[] }): AccessTokenVerifier {
  const verifier = JwtRsaVerifier.create(
    {
      issuer: options.issuer,
      jwksUri: options.jwksUri,
      audience: null,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'access') throw new Error('not an access token');
        if (!options.clientIds.includes(String(payload.client_id))) throw new Error('token was issued to another client');
        if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('token has no subject');
      },
    },
    {
      jwksCache: new SimpleJwksCache({
        fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() },
      }),
    },
  );
  return {
    async verify(token) {
      return callerFromClaims((await verifier.verify(token)) as AccessClaims);
    },
  };
}
