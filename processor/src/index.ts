import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Fulfilment } from '../../core/store/fulfilment';
import { traceAwsCalls } from '../../core/tracing/awsCalls';
import { startTracing } from '../../core/tracing/provider';
import { createHandler, type StreamHandler } from './handler';
import { XRayOtlpExporter } from './xrayExporter';

/** Lambda entry point (bundled by esbuild to dist/processor/index.js): wiring only, built once per container. */
const SERVICE = 'orders-processor';
const tableName = process.env.TABLE_NAME;
if (!tableName) throw new Error('TABLE_NAME is not set');
const region = process.env.AWS_REGION ?? 'us-east-1';

// Tracing on unless TRACES=off: spans continue each order's trace from the API and go to X-Ray over OTLP.
const tracing = process.env.TRACES === 'off' ? undefined : startTracing(SERVICE, new XRayOtlpExporter({ region }));

const client = new DynamoDBClient({});
traceAwsCalls(client);
const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

const decide = createHandler({
  fulfilment: new Fulfilment(db, tableName),
  logger: new Logger({ serviceName: SERVICE }),
  metrics: new Metrics({ namespace: process.env.METRICS_NAMESPACE ?? 'Orders', serviceName: SERVICE }),
});

/** Spans are exported before the invocation returns: Lambda freezes the sandbox as soon as it does. */
export const handler: StreamHandler = async (event, context) => {
  try {
    return await decide(event, context);
  } finally {
    await tracing?.flush().catch(() => undefined);
  }
};
