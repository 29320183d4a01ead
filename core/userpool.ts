/**
 * The two Cognito user pools' shapes, defined once: infra/ builds the real pools from them and the local stack
 * creates the same pools, clients and groups in cognito-local.
 *
 * Customers and admins live in separate pools. An access token does not say whether its sign-in passed MFA, and a
 * pool's MFA setting holds for all of its users, so the admins get a pool of their own whose MFA is required on
 * stage and main (guard rule production-sign-in): the API grants admin rights only to a token that pool issued
 * (service/src/auth/verifier.ts), never to a customer, whatever groups a customer's token names.
 */
export const ADMINS_GROUP = 'admins';
/** The k6 gate's user: it places orders at load-test rates, so the per-customer limits do not apply to it. */
export const LOAD_TESTERS_GROUP = 'load-testers';
/** Groups held to no per-customer order limits (core/domain/limits.ts). Membership is set by an admin only. */
export const LIMIT_EXEMPT_GROUPS: readonly string[] = [LOAD_TESTERS_GROUP];

const passwordPolicy = {
  minimumLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: false,
  temporaryPasswordValidityDays: 3,
} as const;

/** The customers' pool. */
export const userPoolShape = {
  passwordPolicy,
  /** Customers sign in with their e-mail address (the local demo users also have plain usernames). */
  usernameAttributes: ['email'] as const,
  autoVerifiedAttributes: ['email'] as const,
  groups: [{ name: LOAD_TESTERS_GROUP, description: 'The load gate’s user: not held to the per-customer order limits' }],
} as const;

/** The admins' pool: only admins add users to it; its MFA is per stack (orders:identity.admins.mfa). */
export const adminPoolShape = {
  passwordPolicy,
  usernameAttributes: ['email'] as const,
  autoVerifiedAttributes: ['email'] as const,
  /** Membership is what an admin's token must name; removing someone from it is how access is withdrawn. */
  groups: [{ name: ADMINS_GROUP, description: 'May read every order and manage the catalog' }],
} as const;

/**
 * Refresh-token rotation on the clients people sign in with: each refresh (GetTokensFromRefreshToken) returns a new
 * refresh token and invalidates the old one after the grace period, so a stolen refresh token stops working once
 * its owner refreshes. With rotation on, Cognito refuses InitiateAuth's REFRESH_TOKEN_AUTH
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html),
 * so those clients do not list ALLOW_REFRESH_TOKEN_AUTH. Rotation needs the Essentials or Plus tier.
 */
export const REFRESH_TOKEN_ROTATION = { feature: 'ENABLED', retryGracePeriodSeconds: 10 } as const;

/**
 * The pool's app clients, each with only the flows its callers need. The API accepts access tokens of all of
 * them; none has a secret (the front end and the pipeline cannot keep one).
 */
export const APP_CLIENTS = {
  /** Front ends: SRP (no password is sent); refresh with GetTokensFromRefreshToken, rotating (REFRESH_TOKEN_ROTATION). */
  app: { name: 'orders-api', explicitAuthFlows: ['ALLOW_USER_SRP_AUTH'], rotateRefreshTokens: true, refreshTokenDays: 30 },
  /** The k6 gate (USER_PASSWORD_AUTH): on stacks that carry a gate only, never on main. */
  loadTest: {
    name: 'orders-loadtest',
    explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    rotateRefreshTokens: false,
    refreshTokenDays: 30,
  },
  /** The post-deploy smoke: admin password auth, which takes the pipeline's IAM credentials, not just a client id. */
  smoke: {
    name: 'orders-smoke',
    explicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    rotateRefreshTokens: false,
    refreshTokenDays: 30,
  },
} as const;

/**
 * The admins' pool's one client: the admin console's sign-in, SRP then the MFA challenge; refresh rotating. Its
 * refresh tokens last a day (a rotated one keeps its first's expiry), so an admin gives a TOTP code at least daily.
 */
export const ADMIN_CLIENT = { name: 'orders-admin', explicitAuthFlows: ['ALLOW_USER_SRP_AUTH'], rotateRefreshTokens: true, refreshTokenDays: 1 } as const;
export type AppClientRole = keyof typeof APP_CLIENTS;

/** The customer the post-deploy smoke signs in as: it never orders, so it only ever reads an empty list. */
export const SMOKE_USERNAME = 'post-deploy-smoke@orders.invalid';

/** Demo users of the local stack: two customers, and one admin in the admins' pool. */
export const DEMO_PASSWORD = 'Demo-Passw0rd-2026';
export const DEMO_USERS = [
  { username: 'alice', email: 'alice@example.com', pool: 'customers', groups: [] as string[] },
  { username: 'bob', email: 'bob@example.com', pool: 'customers', groups: [] as string[] },
  { username: 'admin', email: 'admin@example.com', pool: 'admins', groups: [ADMINS_GROUP] },
] as const;
