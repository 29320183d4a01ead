import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
} from '@aws-sdk/client-cognito-identity-provider';
import { APP_CLIENTS, DEMO_PASSWORD, DEMO_USERS, userPoolShape, type AppClientRole } from '../core/userpool';
import { LOCAL_AWS } from './dynamodb';
import { freePort, startTethered, waitUntilReady } from './process';

export const LOCAL_POOL_NAME = 'orders-local';

export interface LocalCognito {
  endpoint: string;
  port: number;
  client(): CognitoIdentityProviderClient;
  stop(): Promise<void>;
}

export interface LocalUserPool {
  userPoolId: string;
  /** The app client (what `npm run token` and the demo use). */
  clientId: string;
  /** Every app client, as in AWS (core/userpool.ts APP_CLIENTS); the API accepts tokens of each. */
  clientIds: Record<AppClientRole, string>;
  /** `iss` of the tokens this pool issues. */
  issuer: string;
  jwksUri: string;
}

const startScript = require.resolve('cognito-local/lib/bin/start.js');

/** Starts cognito-local with its data in `dataDir` (a fresh temp dir by default). */
export async function startCognitoLocal(options: { port?: number; dataDir?: string } = {}): Promise<LocalCognito> {
  const port = options.port ?? (await freePort());
  const dir = options.dataDir ? path.resolve(options.dataDir) : mkdtempSync(path.join(os.tmpdir(), 'cognito-local-'));
  mkdirSync(path.join(dir, '.cognito'), { recursive: true });
  // The issuer must be the address tokens are verified against (its default hardcodes localhost:9229).
  writeFileSync(path.join(dir, '.cognito', 'config.json'), JSON.stringify({ TokenConfig: { IssuerDomain: `http://127.0.0.1:${port}` } }, null, 2));
  const standIn = startTethered(process.execPath, [startScript], {
    cwd: dir,
    // HOST is also its bind address: loopback only, so no one else on the network can mint tokens the API accepts.
    env: { PORT: String(port), HOST: '127.0.0.1' },
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = () => new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint, maxAttempts: 2 });
  const probe = client();
  try {
    await waitUntilReady('cognito-local', standIn, () => probe.send(new ListUserPoolsCommand({ MaxResults: 1 })));
  } finally {
    probe.destroy();
  }
  return { endpoint, port, client, stop: () => standIn.stop() };
}

export const issuerOf = (endpoint: string, userPoolId: string) => `${endpoint}/${userPoolId}`;

/**
 * The local pool's clients: the shared APP_CLIENTS, except that the local app client also allows
 * USER_PASSWORD_AUTH (cognito-local has no SRP, and `npm run token` and the tests sign in with a password).
 * cognito-local does not enforce a client's flows anyway.
 */
const localAuthFlows = (role: AppClientRole): ExplicitAuthFlowsType[] =>
  role === 'app' ? [...APP_CLIENTS.app.explicitAuthFlows, 'ALLOW_USER_PASSWORD_AUTH'] : [...APP_CLIENTS[role].explicitAuthFlows];

/**
 * Finds the local pool by name, or creates it (pool, groups and, unless `demoUsers` is false, the demo
 * users) from the shared shape; then makes sure each app client exists (older data dirs have only the first).
 */
export async function ensureUserPool(cognito: LocalCognito, options: { demoUsers?: boolean } = {}): Promise<LocalUserPool> {
  const client = cognito.client();
  try {
    let userPoolId = (await client.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools?.find((p) => p.Name === LOCAL_POOL_NAME)?.Id;
    if (!userPoolId) {
      const policy = userPoolShape.passwordPolicy;
      const pool = await client.send(
        new CreateUserPoolCommand({
          PoolName: LOCAL_POOL_NAME,
          UsernameAttributes: [...userPoolShape.usernameAttributes],
          AutoVerifiedAttributes: [...userPoolShape.autoVerifiedAttributes],
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
      const created = pool.UserPool?.Id;
      if (!created) throw new Error('cognito-local created a user pool without an id');
      userPoolId = created;
      for (const group of userPoolShape.groups) {
        await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group.name, Description: group.description }));
      }
      for (const user of options.demoUsers === false ? [] : DEMO_USERS) {
        await createUser(client, userPoolId, user.email, DEMO_PASSWORD, user.groups);
      }
    }
    const existing = (await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }))).UserPoolClients ?? [];
    for (const role of Object.keys(APP_CLIENTS) as AppClientRole[]) {
      if (existing.some((c) => c.ClientName === APP_CLIENTS[role].name)) continue;
      await client.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: APP_CLIENTS[role].name,
          GenerateSecret: false,
          ExplicitAuthFlows: localAuthFlows(role),
        }),
      );
    }
  } finally {
    client.destroy();
  }
  const ready = await findUserPool(cognito.endpoint);
  if (!ready) throw new Error(`cognito-local at ${cognito.endpoint} lists no pool right after creating it`);
  return ready;
}

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

/** Looks up the running local pool and its clients by name; undefined when this cognito-local lacks any of them. */
export async function findUserPool(endpoint: string): Promise<LocalUserPool | undefined> {
  const client = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });
  try {
    const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    const pool = pools.UserPools?.find((p) => p.Name === LOCAL_POOL_NAME);
    if (!pool?.Id) return undefined;
    const clients = (await client.send(new ListUserPoolClientsCommand({ UserPoolId: pool.Id, MaxResults: 60 }))).UserPoolClients ?? [];
    const idOf = (role: AppClientRole) => clients.find((c) => c.ClientName === APP_CLIENTS[role].name)?.ClientId;
    const [app, loadTest, smoke] = [idOf('app'), idOf('loadTest'), idOf('smoke')];
    if (!app || !loadTest || !smoke) return undefined;
    return {
      userPoolId: pool.Id,
      clientId: app,
      clientIds: { app, loadTest, smoke },
      issuer: issuerOf(endpoint, pool.Id),
      jwksUri: `${endpoint}/${pool.Id}/.well-known/jwks.json`,
    };
  } finally {
    client.destroy();
  }
}

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
