import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CognitoIdentityProviderClient, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { LOCAL_AWS } from './dynamodb';
import { freePort, startTethered, waitUntilReady } from './process';

/** cognito-local, the local Cognito: its process and an SDK client for it. The pools are local/cognito.ts's. */
export interface LocalCognito {
  endpoint: string;
  port: number;
  client(): CognitoIdentityProviderClient;
  stop(): Promise<void>;
}

const startScript = require.resolve('cognito-local/lib/bin/start.js');

/** Starts cognito-local with its data in `dataDir`, or in a fresh temp dir that `stop` removes. */
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
  const stop = async () => {
    await standIn.stop();
    if (!options.dataDir) rmSync(dir, { recursive: true, force: true });
  };
  return { endpoint, port, client, stop };
}
