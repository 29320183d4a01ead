import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { traceAwsCalls } from '../tracing/awsCalls';

/**
 * The table's document client, one per process, for every runtime (API, processor, local stack, tools). Short
 * timeouts so a store outage becomes a quick 503 or a failed record, not a hung request; keep-alive sockets
 * because every request talks to the table; every call a client span of the active trace.
 */
export function documentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 5000 }),
    ...config,
  });
  traceAwsCalls(client);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
