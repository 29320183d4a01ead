/**
 * The Cognito user pool's shape, defined once: infra/ builds the real pool from it and the local stack
 * creates the same pool, client and groups in cognito-local.
 */
export const ADMINS_GROUP = 'admins';

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
  /** Flows the app client allows: the password flow used by k6 and the demo, and SRP for real front ends. */
  explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const,
  accessTokenValidityMinutes: 60,
  groups: [{ name: ADMINS_GROUP, description: 'May read every order and manage the catalog' }],
} as const;

/** Demo users of the local stack: two customers and one admin. */
export const DEMO_PASSWORD = 'Demo-Passw0rd-2026';
export const DEMO_USERS = [
  { username: 'alice', email: 'alice@example.com', groups: [] as string[] },
  { username: 'bob', email: 'bob@example.com', groups: [] as string[] },
  { username: 'admin', email: 'admin@example.com', groups: [ADMINS_GROUP] },
] as const;
