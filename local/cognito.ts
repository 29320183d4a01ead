import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type ExplicitAuthFlowsType,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  type UserPoolMfaType,
} from '@aws-sdk/client-cognito-identity-provider';
import { ADMIN_CLIENT, adminPoolShape, APP_CLIENTS, DEMO_PASSWORD, DEMO_USERS, userPoolShape, type AppClientRole } from '../core/userpool';
import type { LocalPoolTrust, Pools } from '../service/src/auth/verifier';
import { LOCAL_AWS } from './dynamodb';
import type { LocalCognito } from './cognitoLocal';

export const LOCAL_POOL_NAME = 'orders-local';
export const LOCAL_ADMIN_POOL_NAME = 'orders-local-admins';

/** One local pool: its id, `iss` of the tokens it issues, and its JWKS. */
export interface LocalPool {
  userPoolId: string;
  issuer: string;
  jwksUri: string;
}

/** The admins' pool and its one client (core/userpool.ts ADMIN_CLIENT). */
export interface LocalAdminPool extends LocalPool {
  clientId: string;
}

/** The customers' pool, with the admins' pool beside it. */
export interface LocalUserPool extends LocalPool {
  /** The app client (what `npm run token` and the demo use). */
  clientId: string;
  /** Every app client, as in AWS (core/userpool.ts APP_CLIENTS); the API accepts tokens of each. */
  clientIds: Record<AppClientRole, string>;
  admins: LocalAdminPool;
}

export const issuerOf = (endpoint: string, userPoolId: string) => `${endpoint}/${userPoolId}`;

/**
 * The local clients: the shared ones, except that those people sign in with also allow USER_PASSWORD_AUTH
 * (cognito-local has no SRP, and `npm run token` and the tests sign in with a password). cognito-local does not
 * enforce a client's flows anyway.
 */
const withPassword = (flows: readonly string[]): ExplicitAuthFlowsType[] => [...(flows as ExplicitAuthFlowsType[]), 'ALLOW_USER_PASSWORD_AUTH'];
const localAuthFlows = (role: AppClientRole): ExplicitAuthFlowsType[] =>
  role === 'app' ? withPassword(APP_CLIENTS.app.explicitAuthFlows) : [...APP_CLIENTS[role].explicitAuthFlows];

type PoolShape = typeof userPoolShape | typeof adminPoolShape;

/** Finds a pool by name, or creates it with its groups from the shape; `created` says which. */
async function ensurePool(
  client: CognitoIdentityProviderClient,
  name: string,
  shape: PoolShape,
  mfa: UserPoolMfaType = 'OFF',
): Promise<{ userPoolId: string; created: boolean }> {
  const found = (await client.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools?.find((p) => p.Name === name)?.Id;
  if (found) return { userPoolId: found, created: false };
  const policy = shape.passwordPolicy;
  const pool = await client.send(
    new CreateUserPoolCommand({
      PoolName: name,
      UsernameAttributes: [...shape.usernameAttributes],
      AutoVerifiedAttributes: [...shape.autoVerifiedAttributes],
      MfaConfiguration: mfa,
      Policies: {
        PasswordPolicy: {
          MinimumLength: policy.minimumLength,
          RequireLowercase: policy.requireLowercase,
          RequireUppercase: policy.requireUppercase,
          RequireNumbers: policy.requireNumbers,
          RequireSymbols: policy.requireSymbols,
          TemporaryPasswordValidityDays: policy.temporaryPasswordValidityDays,
        },
      },
    }),
  );
  const userPoolId = pool.UserPool?.Id;
  if (!userPoolId) throw new Error('cognito-local created a user pool without an id');
  for (const group of shape.groups) {
    await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group.name, Description: group.description }));
  }
  return { userPoolId, created: true };
}

async function ensureClient(client: CognitoIdentityProviderClient, userPoolId: string, name: string, flows: ExplicitAuthFlowsType[]): Promise<void> {
  const existing = (await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }))).UserPoolClients ?? [];
  if (existing.some((c) => c.ClientName === name)) return;
  await client.send(new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: name, GenerateSecret: false, ExplicitAuthFlows: flows }));
}

/**
 * An admins' pool by name, created if missing with its group and client. npm start's is `LOCAL_ADMIN_POOL_NAME` with
 * MFA optional, as development's; a test makes one with MFA required, as stage's and main's.
 */
export async function ensureAdminPool(
  cognito: Pick<LocalCognito, 'endpoint' | 'client'>,
  options: { name?: string; mfa?: UserPoolMfaType } = {},
): Promise<LocalAdminPool & { created: boolean }> {
  const client = cognito.client();
  try {
    const { userPoolId, created } = await ensurePool(client, options.name ?? LOCAL_ADMIN_POOL_NAME, adminPoolShape, options.mfa ?? 'OPTIONAL');
    await ensureClient(client, userPoolId, ADMIN_CLIENT.name, withPassword(ADMIN_CLIENT.explicitAuthFlows));
    const clients = (await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }))).UserPoolClients ?? [];
    const clientId = clients.find((c) => c.ClientName === ADMIN_CLIENT.name)?.ClientId;
    if (!clientId) throw new Error(`cognito-local lists no ${ADMIN_CLIENT.name} client right after creating it`);
    return { ...localPool(cognito.endpoint, userPoolId), clientId, created };
  } finally {
    client.destroy();
  }
}

/**
 * Finds the local pools by name, or creates them (pools, groups and, unless `demoUsers` is false, the demo users)
 * from the shared shapes; then makes sure each client exists (older data dirs have only the first).
 */
export async function ensureUserPool(cognito: LocalCognito, options: { demoUsers?: boolean } = {}): Promise<LocalUserPool> {
  const demoUsers = options.demoUsers === false ? [] : DEMO_USERS;
  const client = cognito.client();
  try {
    const customers = await ensurePool(client, LOCAL_POOL_NAME, userPoolShape);
    for (const user of customers.created ? demoUsers.filter((u) => u.pool === 'customers') : []) {
      await createUser(client, customers.userPoolId, user.email, DEMO_PASSWORD, user.groups);
    }
    for (const role of Object.keys(APP_CLIENTS) as AppClientRole[]) {
      await ensureClient(client, customers.userPoolId, APP_CLIENTS[role].name, localAuthFlows(role));
    }
    const admins = await ensureAdminPool(cognito);
    for (const user of admins.created ? demoUsers.filter((u) => u.pool === 'admins') : []) {
      await createUser(client, admins.userPoolId, user.email, DEMO_PASSWORD, user.groups);
    }
  } finally {
    client.destroy();
  }
  const ready = await findUserPool(cognito.endpoint);
  if (!ready) throw new Error(`cognito-local at ${cognito.endpoint} lists no pool right after creating it`);
  return ready;
}

const localPool = (endpoint: string, userPoolId: string): LocalPool => ({
  userPoolId,
  issuer: issuerOf(endpoint, userPoolId),
  jwksUri: `${endpoint}/${userPoolId}/.well-known/jwks.json`,
});

/** What the API trusts of the local pools: every customers' client, and the admins' client. */
export const trustOf = (pool: LocalUserPool): Pools<LocalPoolTrust> => ({
  customers: { issuer: pool.issuer, jwksUri: pool.jwksUri, clientIds: Object.values(pool.clientIds) },
  admins: { issuer: pool.admins.issuer, jwksUri: pool.admins.jwksUri, clientIds: [pool.admins.clientId] },
});

/** A user signing in by e-mail, verified, no invitation sent, with a permanent password (and groups). */
export async function createUser(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  email: string,
  password: string,
  groups: readonly string[] = [],
): Promise<void> {
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: email, Password: password, Permanent: true }));
  for (const group of groups) {
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: email, GroupName: group }));
  }
}

/** Looks up the running local pools and their clients by name; undefined when this cognito-local lacks any of them. */
export async function findUserPool(endpoint: string): Promise<LocalUserPool | undefined> {
  const client = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });
  try {
    const pools = (await client.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? [];
    const poolId = (name: string) => pools.find((p) => p.Name === name)?.Id;
    const [customersId, adminsId] = [poolId(LOCAL_POOL_NAME), poolId(LOCAL_ADMIN_POOL_NAME)];
    if (!customersId || !adminsId) return undefined;
    const clientsOf = async (userPoolId: string) =>
      (await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }))).UserPoolClients ?? [];
    const [clients, adminClients] = [await clientsOf(customersId), await clientsOf(adminsId)];
    const idOf = (role: AppClientRole) => clients.find((c) => c.ClientName === APP_CLIENTS[role].name)?.ClientId;
    const [app, loadTest, smoke] = [idOf('app'), idOf('loadTest'), idOf('smoke')];
    const adminClient = adminClients.find((c) => c.ClientName === ADMIN_CLIENT.name)?.ClientId;
    if (!app || !loadTest || !smoke || !adminClient) return undefined;
    return {
      ...localPool(endpoint, customersId),
      clientId: app,
      clientIds: { app, loadTest, smoke },
      admins: { ...localPool(endpoint, adminsId), clientId: adminClient },
    };
  } finally {
    client.destroy();
  }
}

/** The API's environment for the local pools (service/src/config.ts): what `trustOf` gives an in-process app. */
export const cognitoEnv = (pool: LocalUserPool): Record<string, string> => ({
  COGNITO_CLIENT_ID: Object.values(pool.clientIds).join(','),
  COGNITO_ISSUER: pool.issuer,
  COGNITO_JWKS_URI: pool.jwksUri,
  COGNITO_ADMIN_CLIENT_ID: pool.admins.clientId,
  COGNITO_ADMIN_ISSUER: pool.admins.issuer,
  COGNITO_ADMIN_JWKS_URI: pool.admins.jwksUri,
});

/** The client a demo user signs in with: the admins' client for the admin, the app client for customers. */
export const demoClientId = (pool: LocalUserPool, user: (typeof DEMO_USERS)[number]): string => (user.pool === 'admins' ? pool.admins.clientId : pool.clientId);

/** Signs a user in with USER_PASSWORD_AUTH (the flow k6 and the README use) and returns the tokens. */
export async function signIn(endpoint: string, clientId: string, username: string, password: string) {
  const client = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });
  try {
    const result = await client.send(
      new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }),
    );
    const tokens = result.AuthenticationResult;
    if (!tokens?.AccessToken || !tokens.IdToken) throw new Error(`no tokens for ${username}`);
    return { accessToken: tokens.AccessToken, idToken: tokens.IdToken };
  } finally {
    client.destroy();
  }
}
