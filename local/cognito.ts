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
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DEMO_PASSWORD, DEMO_USERS, userPoolShape } from '../core/userpool';
import { LOCAL_AWS } from './dynamodb';
import { freePort, startTethered, waitUntilReady } from './process';

export const LOCAL_POOL_NAME = 'orders-local';
export const LOCAL_CLIENT_NAME = 'orders-api';

export interface LocalCognito {
  endpoint: string;
  port: number;
  client(): CognitoIdentityProviderClient;
  stop(): Promise<void>;
}

export interface LocalUserPool {
  userPoolId: string;
  clientId: string;
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
  writeFileSync(
    path.join(dir, '.cognito', 'config.json'),
    JSON.stringify({ TokenConfig: { IssuerDomain: `http://127.0.0.1:${port}` } }, null, 2),
  );
  const standIn = startTethered(process.execPath, [startScript], {
    cwd: dir,
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
 * Finds the local pool and client by name, or creates them (pool, client, groups and, unless `demoUsers` is
 * false, the demo users) from the shared shape.
 */
export async function ensureUserPool(cognito: LocalCognito, options: { demoUsers?: boolean } = {}): Promise<LocalUserPool> {
  const found = await findUserPool(cognito.endpoint);
  if (found) return found;
  const client = cognito.client();
  try {
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
    const userPoolId = pool.UserPool!.Id!;
    const appClient = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: LOCAL_CLIENT_NAME,
        GenerateSecret: false,
        ExplicitAuthFlows: [...userPoolShape.explicitAuthFlows],
      }),
    );
    for (const group of userPoolShape.groups) {
      await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group.name, Description: group.description }));
    }
    for (const user of options.demoUsers === false ? [] : DEMO_USERS) {
      await createUser(client, userPoolId, user.email, DEMO_PASSWORD, user.groups);
    }
    return describePool(cognito.endpoint, userPoolId, appClient.UserPoolClient!.ClientId!);
  } finally {
    client.destroy();
  }
}

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

/** Looks up the running local pool by name; undefined when this cognito-local has none yet. */
export async function findUserPool(endpoint: string): Promise<LocalUserPool | undefined> {
  const client = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });
  try {
    const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    const pool = pools.UserPools?.find((p) => p.Name === LOCAL_POOL_NAME);
    if (!pool?.Id) return undefined;
    const clients = await client.send(new ListUserPoolClientsCommand({ UserPoolId: pool.Id, MaxResults: 60 }));
    const appClient = clients.UserPoolClients?.find((c) => c.ClientName === LOCAL_CLIENT_NAME);
    if (!appClient?.ClientId) return undefined;
    return describePool(endpoint, pool.Id, appClient.ClientId);
  } finally {
    client.destroy();
  }
}

const describePool = (endpoint: string, userPoolId: string, clientId: string): LocalUserPool => ({
  userPoolId,
  clientId,
  issuer: issuerOf(endpoint, userPoolId),
  jwksUri: `${endpoint}/${userPoolId}/.well-known/jwks.json`,
});

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
