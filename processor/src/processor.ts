import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../core/serviceNames';
import { stockReservations } from '../../core/orders/stockReservations';
import { OrderStore } from '../../core/store/orders';
import { DynamoStockLedger } from '../../core/store/stockLedger';
import { createHandler, type ProcessorHandler } from './handler';

export interface ProcessorWiring {
  db: DynamoDBDocumentClient;
  tableName: string;
  /** Powertools log level; the environment's (POWERTOOLS_LOG_LEVEL) when unset. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Where EMF metrics go: stdout (CloudWatch reads it) unless a runtime hands in another sink. */
  metrics?: Metrics;
  /** Records of different orders decided at once (default DECISION_CONCURRENCY). */
  concurrency?: number;
}

/** The processor as every runtime builds it: the Lambda entry point, `npm start`, the dead-letter tools, the bench. */
export function buildProcessor({ db, tableName, logLevel, metrics, concurrency }: ProcessorWiring): ProcessorHandler {
  const orders = new OrderStore(db, tableName);
  return createHandler({
    reservations: stockReservations({ ledger: new DynamoStockLedger(db, tableName, orders), orders }),
    logger: new Logger({ serviceName: SERVICE_NAME.processor, ...(logLevel ? { logLevel } : {}) }),
    metrics: metrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME.processor }),
    ...(concurrency ? { concurrency } : {}),
  });
}
