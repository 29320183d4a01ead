import path from 'node:path';
import { z } from 'zod';
import { parseEnvironment } from '../core/config';
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
  /** Level of the stack's own log lines (LOG_LEVEL, pino's levels). */
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Powertools log level of the in-process processor (PROCESSOR_LOG_LEVEL). */
  processorLogLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** The poller's lanes per shard (PARALLELIZATION_FACTOR, 1–10), as a stack's orders:processor sets it. */
  parallelizationFactor: number;
}

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;

/** An unset or empty variable takes the default, as a shell's `VAR= npm start` would expect. */
const unsetIfEmpty = (value: unknown) => (value === '' ? undefined : value);
const port = z.preprocess(
  unsetIfEmpty,
  z.coerce.number('must be a port number').int('must be a port number').min(0, 'must be a port number').max(65535, 'must be a port number').optional(),
);

/** The environment `npm start`, `npm run token` and `npm run dlq` read, parsed once with every problem named. */
const Env = z.object({
  PORT: port,
  DYNAMODB_PORT: port,
  COGNITO_PORT: port,
  /** The local stack's own log (pino), apart from the processor's. */
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('warn')),
  TABLE_NAME: z.preprocess(unsetIfEmpty, z.string().default('orders-local')),
  DATA_DIR: z.preprocess(unsetIfEmpty, z.string().optional()),
  PROCESSOR_LOG_LEVEL: z.preprocess(
    (value) => (typeof value === 'string' ? value.toUpperCase() : value),
    z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`).default('WARN'),
  ),
  PARALLELIZATION_FACTOR: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number()
      .int("must be a whole number from 1 to 10 (Lambda's range)")
      .min(1, "must be a whole number from 1 to 10 (Lambda's range)")
      .max(10, "must be a whole number from 1 to 10 (Lambda's range)")
      .default(orderProcessorMapping.parallelizationFactor),
  ),
});

export function localSettings(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = []): LocalSettings {
  const parsed = parseEnvironment(Env, env);
  const apiPort = parsed.PORT ?? 5000;
  const dataDirFlag = argv.indexOf('--data-dir');
  const dataDir = dataDirFlag >= 0 ? argv[dataDirFlag + 1] : parsed.DATA_DIR;
  return {
    apiPort,
    // Derived from PORT unless set, so two stacks on one machine only need different PORTs.
    dynamoPort: parsed.DYNAMODB_PORT ?? apiPort + 1,
    cognitoPort: parsed.COGNITO_PORT ?? apiPort + 2,
    tableName: parsed.TABLE_NAME,
    seedDemoData: !argv.includes('--empty'),
    logLevel: parsed.LOG_LEVEL,
    processorLogLevel: parsed.PROCESSOR_LOG_LEVEL,
    parallelizationFactor: parsed.PARALLELIZATION_FACTOR,
    ...(dataDir ? { dataDir: path.resolve(dataDir) } : {}),
  };
}
