/**
 * The Cognito user pool's shape, defined once: infra/ builds the real pool from it and the local stack
 * creates the same pool, client and groups in cognito-local.
 */
export const ADMINS_GROUP = 'admins';
/** The k6 gate's user: it places orders at load-test rates, so the per-customer limits do not apply to it. */
export const LOAD_TESTERS_GROUP = 'load-testers';
/** Groups held to no per-customer order limits (core/domain/limits.ts). Membership is set by an admin only. */
export const LIMIT_EXEMPT_GROUPS: readonly string[] = [LOAD_TESTERS_GROUP];

export const userPoolShape = {
  passwordPolicy: {
    minimumLength: 12,
    requireLowercase: true,
    requireUppercase: true,
    requireNumbers: true,
    requireSymbols: false,
    temporaryPasswordValidityDays: 3,
  },
  /** Customers sign in with their e-mail address (the local demo users also have plain usernames). */
  usernameAttributes: ['email'] as const,
  autoVerifiedAttributes: ['email'] as const,
  groups: [
    { name: ADMINS_GROUP, description: 'May read every order and manage the catalog' },
    { name: LOAD_TESTERS_GROUP, description: 'The load gate’s user: not held to the per-customer order limits' },
  ],
} as const;

/**
 * The pool's app clients, each with only the flows its callers need. The API accepts access tokens of all of
 * them; none has a secret (the front end and the pipeline cannot keep one).
 */
export const APP_CLIENTS = {
  /** Front ends: SRP (no password is sent) and refresh. */
  app: { name: 'orders-api', explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
  /** The k6 gate (USER_PASSWORD_AUTH): on stacks that carry a gate only, never on main. */
  loadTest: { name: 'orders-loadtest', explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
  /** The post-deploy smoke: admin password auth, which takes the pipeline's IAM credentials, not just a client id. */
  smoke: { name: 'orders-smoke', explicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
} as const;
export type AppClientRole = keyof typeof APP_CLIENTS;

/** The customer the post-deploy smoke signs in as: it never orders, so it only ever reads an empty list. */
export const SMOKE_USERNAME = 'post-deploy-smoke@orders.invalid';

/** Demo users of the local stack: two customers and one admin. */
export const DEMO_PASSWORD = 'Demo-Passw0rd-2026';
export const DEMO_USERS = [
  { username: 'alice', email: 'alice@example.com', groups: [] as string[] },
  { username: 'bob', email: 'bob@example.com', groups: [] as string[] },
  { username: 'admin', email: 'admin@example.com', groups: [ADMINS_GROUP] },
] as const;
