// First: instrumentation has to wrap `http` before anything else loads it.
import { apiTracing } from './tracing';
import pino from 'pino';
import { createApp } from './app';
import { cognitoVerifier, localCognitoVerifier } from './auth/verifier';
import { documentClient } from '../../core/store/client';
import { customerLimitsOf, readConfig, trustedPools } from './config';
import { listen } from './server';

/** The container's entry point: configuration from the environment, then serve until SIGTERM. */
async function main() {
  const config = readConfig();
  const logger = pino({ level: config.LOG_LEVEL, base: { service: 'orders-api' } });
  const db = documentClient({ region: config.AWS_REGION, ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}) });
  const trust = trustedPools(config);
  const verifier = trust.kind === 'aws' ? cognitoVerifier(trust.pools) : localCognitoVerifier(trust.pools);
  const state = { shuttingDown: false };
  const app = createApp({
    db,
    tableName: config.TABLE_NAME,
    verifier,
    logger,
    isShuttingDown: () => state.shuttingDown,
    edge: { corsOrigins: config.CORS_ALLOWED_ORIGINS, hsts: config.HSTS },
    limits: customerLimitsOf(config),
  });
  const running = await listen(app, { port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS, logger, state });
  logger.info({ port: running.port }, 'orders API listening');
  const stop = (signal: string) => {
    logger.info({ signal }, 'signal received');
    void running
      .shutdown()
      // A span flush that fails (the collector sidecar is gone or never came up) must not fail the stop.
      .then(() => apiTracing?.shutdown())
      .catch((err: unknown) => logger.warn({ err }, 'could not flush traces on shutdown'))
      .then(() => {
        db.destroy();
        process.exit(0);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
