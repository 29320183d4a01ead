import path from 'node:path';
import { orderProcessorMapping } from '../core/eventSourceMapping';

/**
 * The local stack's settings, read from the environment by `npm start`, `npm run token` and `npm run dlq`
 * alike, so every command finds the same running stack.
 */
export interface LocalSettings {
  apiPort: number;
  dynamoPort: number;
  cognitoPort: number;
  tableName: string;
  /** Persist DynamoDB Local and cognito-local here; in memory (and a temp dir) when unset. */
  dataDir?: string;
  /**
   * Demo users and the demo catalog (default). `npm start -- --empty` leaves the pool and the catalog empty,
   * as a fresh `pulumi up` leaves them, to rehearse the pipeline's bootstrap.
   */
  seedDemoData: boolean;
  /** Powertools log level of the in-process processor (PROCESSOR_LOG_LEVEL). */
  processorLogLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** The poller's lanes per shard (PARALLELIZATION_FACTOR, 1–10), as a stack's orders:processor sets it. */
  parallelizationFactor: number;
}

const portFrom = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, got '${value}'`);
  return port;
};

function parallelizationFactorFrom(value: string | undefined): number {
  if (value === undefined || value === '') return orderProcessorMapping.parallelizationFactor;
  const factor = Number(value);
  if (!Number.isInteger(factor) || factor < 1 || factor > 10)
    throw new Error(`PARALLELIZATION_FACTOR must be a whole number from 1 to 10 (Lambda's range), got '${value}'`);
  return factor;
}

export function localSettings(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = []): LocalSettings {
  const apiPort = portFrom(env.PORT, 5000, 'PORT');
  const dataDirFlag = argv.indexOf('--data-dir');
  const dataDir = dataDirFlag >= 0 ? argv[dataDirFlag + 1] : env.DATA_DIR;
  return {
    apiPort,
    // Derived from PORT unless set, so two stacks on one machine only need different PORTs.
    dynamoPort: portFrom(env.DYNAMODB_PORT, apiPort + 1, 'DYNAMODB_PORT'),
    cognitoPort: portFrom(env.COGNITO_PORT, apiPort + 2, 'COGNITO_PORT'),
    tableName: env.TABLE_NAME || 'orders-local',
    seedDemoData: !argv.includes('--empty'),
    processorLogLevel: (['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const).find((l) => l === env.PROCESSOR_LOG_LEVEL?.toUpperCase()) ?? 'WARN',
    parallelizationFactor: parallelizationFactorFrom(env.PARALLELIZATION_FACTOR),
    ...(dataDir ? { dataDir: path.resolve(dataDir) } : {}),
  };
}
