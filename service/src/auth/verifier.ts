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

/** Verifies a Cognito access token; rejects (with a reason) anything that is not one for our clients. */
export interface AccessTokenVerifier {
  verify(token: string): Promise<Caller>;
}

/** The two pools whose tokens the API accepts (core/userpool.ts): customers', and admins' (MFA on stage and main). */
export interface Pools<P> {
  customers: P;
  admins: P;
}

interface AccessClaims {
  iss?: unknown;
  sub?: unknown;
  username?: unknown;
  'cognito:groups'?: unknown;
  token_use?: unknown;
  client_id?: unknown;
}

/**
 * Admin rights need both: a token the admins' pool issued (whose sign-in passed MFA where that pool requires it) and
 * the admins group in it. A customer's token naming the group (an operator's slip in the customers' pool) is a
 * customer's.
 */
export function callerFromClaims(claims: AccessClaims, adminIssuers: readonly string[]): Caller {
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'].filter((g): g is string => typeof g === 'string') : [];
  return {
    sub: String(claims.sub),
    username: typeof claims.username === 'string' ? claims.username : String(claims.sub),
    groups,
    isAdmin: typeof claims.iss === 'string' && adminIssuers.includes(claims.iss) && groups.includes(ADMINS_GROUP),
  };
}

/** In AWS: Cognito's own verifier for both pools (issuer, JWKS over https, token_use=access, client_id one of the pool's clients). */
export function cognitoVerifier(
  pools: Pools<{ userPoolId: string; clientIds: readonly string[] }>,
  additional?: Parameters<typeof CognitoJwtVerifier.create>[1],
): AccessTokenVerifier {
  const verifier = CognitoJwtVerifier.create(
    [pools.customers, pools.admins].map((pool) => ({ userPoolId: pool.userPoolId, tokenUse: 'access' as const, clientId: [...pool.clientIds] })),
    additional,
  );
  const adminIssuers = cognitoIssuers(pools.admins.userPoolId);
  return {
    async verify(token) {
      return callerFromClaims((await verifier.verify(token)) as AccessClaims, adminIssuers);
    },
  };
}

/**
 * A pool's two issuer forms, both of which Cognito's verifier accepts: the regional one, and the one a pool switched
 * to the newer issuer format signs with (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_IssuerConfigurationType.html).
 */
export function cognitoIssuers(userPoolId: string): string[] {
  const region = userPoolId.split('_')[0];
  return [
    CognitoJwtVerifier.parseUserPoolId(userPoolId).issuer,
    CognitoJwtVerifier.parseUserPoolId(userPoolId, `https://issuer-cognito-idp.${region}.amazonaws.com/${userPoolId}`).issuer,
  ];
}

/** A local pool: cognito-local's issuer, its JWKS (http) and the pool's client ids. */
export interface LocalPoolTrust {
  issuer: string;
  jwksUri: string;
  clientIds: readonly string[];
}

/**
 * Locally: cognito-local serves its JWKS over plain http and has pool ids CognitoJwtVerifier rejects, so we use
 * the generic RSA verifier with the checks Cognito's verifier would make (token_use and client_id, per pool).
 */
export function localCognitoVerifier(pools: Pools<LocalPoolTrust>): AccessTokenVerifier {
  const jwksCache = new SimpleJwksCache({ fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() } });
  const verifier = JwtRsaVerifier.create(
    [pools.customers, pools.admins].map((pool) => ({
      issuer: pool.issuer,
      jwksUri: pool.jwksUri,
      audience: null,
      customJwtCheck: ({ payload }: { payload: { token_use?: unknown; client_id?: unknown; sub?: unknown } }) => {
        if (payload.token_use !== 'access') throw new Error('not an access token');
        if (!pool.clientIds.includes(String(payload.client_id))) throw new Error('token was issued to another client');
        if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('token has no subject');
      },
    })),
    { jwksCache },
  );
  return {
    async verify(token) {
      return callerFromClaims((await verifier.verify(token)) as AccessClaims, [pools.admins.issuer]);
    },
  };
}
