import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Fulfilment } from '../core/store/fulfilment';
import { createHandler, type StreamHandler } from '../processor/src/handler';

/** Powertools Metrics that hands each EMF document to `sink` instead of printing it (CloudWatch reads stdout). */
export class LocalMetrics extends Metrics {
  constructor(private readonly sink: (emf: ReturnType<Metrics['serializeMetrics']>) => void) {
    super({ namespace: 'Orders', serviceName: 'orders-processor' });
  }

  override publishStoredMetrics(): this {
    if (this.hasStoredMetrics()) this.sink(this.serializeMetrics());
    this.clearMetrics();
    return this;
  }
}

export interface LocalProcessorOptions {
  db: DynamoDBDocumentClient;
  tableName: string;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  metrics?: Metrics;
  /** Records of different orders decided at once (default DECISION_CONCURRENCY); the bench compares settings. */
  concurrency?: number;
}

/** The real processor handler, wired for in-process use by the local poller and the dead-letter redrive. */
export function localProcessor({ db, tableName, logLevel = 'WARN', metrics, concurrency }: LocalProcessorOptions): StreamHandler {
  return createHandler({
    fulfilment: new Fulfilment(db, tableName),
    logger: new Logger({ serviceName: 'orders-processor', logLevel }),
    metrics: metrics ?? new LocalMetrics(() => undefined),
    ...(concurrency ? { concurrency } : {}),
  });
}
