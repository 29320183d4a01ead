import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Logger } from 'pino';
import { createApp } from '../service/src/app';
import { readLimits } from '../service/src/config';
import { localCognitoVerifier } from '../service/src/auth/verifier';
import { documentClient } from '../core/store/client';
import { listen, type RunningServer } from '../service/src/server';
import { ensureUserPool, type LocalUserPool, trustOf } from './cognito';
import { startCognitoLocal, type LocalCognito } from './cognitoLocal';
import { LOCAL_AWS, startDynamoDbLocal, type LocalDynamo } from './dynamodb';
import { orderProcessorMapping } from '../core/eventSourceMapping';
import { StreamPoller } from './poller/poller';
import { PollerState, pollerStateTableName } from './poller/state';
import { localProcessor } from './processor';
import type { LocalSettings } from './settings';
import { ensureTable, seedCatalog } from './table';
import { capacityFile, meterCapacity, publishCapacity, type CapacityTally } from './capacity';

export interface LocalStack {
  apiUrl: string;
  dynamo: LocalDynamo;
  cognito: LocalCognito;
  pool: LocalUserPool;
  tableName: string;
  streamArn: string;
  api: RunningServer;
  poller: StreamPoller;
  pollerState: PollerState;
  /** The client the API and the processor share (metered: `capacity`). */
  db: DynamoDBDocumentClient;
  /** Request units the API and the processor consumed (DynamoDB Local answers ReturnConsumedCapacity). */
  capacity: CapacityTally;
  stop(): Promise<void>;
}

/** DynamoDB Local + cognito-local + table + pool + catalog + the API: the whole pipeline on one machine. */
export async function startLocalStack(settings: LocalSettings, logger: Logger): Promise<LocalStack> {
  const dirs = settings.dataDir ? { dynamo: path.join(settings.dataDir, 'dynamodb'), cognito: path.join(settings.dataDir, 'cognito') } : undefined;
  if (dirs) for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });

  const [dynamo, cognito] = await Promise.all([
    startDynamoDbLocal({ port: settings.dynamoPort, ...(dirs ? { dataDir: dirs.dynamo } : {}) }),
    startCognitoLocal({ port: settings.cognitoPort, ...(dirs ? { dataDir: dirs.cognito } : {}) }),
  ]);
  const stopped: Array<() => Promise<void>> = [() => cognito.stop(), () => dynamo.stop()];
  const stop = async () => {
    for (const step of stopped.splice(0)) await step().catch((err) => logger.warn({ err }, 'stop failed'));
  };
  try {
    const db = documentClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
    stopped.push(async () => db.destroy());
    // The poller's own checkpoints go through another client, so the tally is the orders' work only.
    const stateDb = documentClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
    stopped.push(async () => stateDb.destroy());
    const admin = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
    const stateTable = pollerStateTableName(settings.tableName);
    const { streamArn } = await ensureTable(admin, settings.tableName);
    await PollerState.ensureTable(admin, stateTable).finally(() => admin.destroy());
    if (settings.seedDemoData) await seedCatalog(db, settings.tableName);
    const capacity = meterCapacity(db);
    const pool = await ensureUserPool(cognito, { demoUsers: settings.seedDemoData });
    const verifier = localCognitoVerifier(trustOf(pool));
    const state = { shuttingDown: false };
    // The per-customer limits as a deployed task reads them (LIMIT_* variables, development's values by default).
    const limits = readLimits(process.env);
    const app = createApp({ db, tableName: settings.tableName, verifier, logger, limits, isShuttingDown: () => state.shuttingDown });
    // Loopback only, as the stand-ins: a laptop on a shared network serves no one else its demo data and tokens.
    const api = await listen(app, { port: settings.apiPort, host: '127.0.0.1', shutdownTimeoutMs: 5000, logger, state });
    stopped.unshift(() => api.shutdown());

    // The processor, fed by a poller that behaves like Lambda's event source mapping.
    const streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: dynamo.endpoint });
    const pollerState = new PollerState(stateDb, stateTable);
    const poller = new StreamPoller({
      streams,
      streamArn,
      handler: localProcessor({ db, tableName: settings.tableName, logLevel: settings.processorLogLevel }),
      settings: { ...orderProcessorMapping, parallelizationFactor: settings.parallelizationFactor },
      state: pollerState,
      logger,
    });
    poller.start();
    stopped.unshift(async () => {
      await poller.stop();
      streams.destroy();
    });
    const unpublish = publishCapacity(capacity, capacityFile(api.port));
    stopped.unshift(async () => unpublish());
    return {
      apiUrl: `http://localhost:${api.port}`,
      dynamo,
      cognito,
      pool,
      tableName: settings.tableName,
      streamArn,
      api,
      poller,
      pollerState,
      db,
      capacity,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
