import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Fulfilment } from '../../core/store/fulfilment';
import { createHandler } from './handler';
import { powertoolsTracing } from './tracing';

/** Lambda entry point (bundled by esbuild to dist/processor/index.js): wiring only, built once per container. */
const SERVICE = 'orders-processor';
const tableName = process.env.TABLE_NAME;
if (!tableName) throw new Error('TABLE_NAME is not set');

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

export const handler = createHandler({
  fulfilment: new Fulfilment(db, tableName),
  logger: new Logger({ serviceName: SERVICE }),
  metrics: new Metrics({ namespace: process.env.METRICS_NAMESPACE ?? 'Orders', serviceName: SERVICE }),
  tracing: powertoolsTracing(SERVICE),
});
