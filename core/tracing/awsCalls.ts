import { SpanKind } from '@opentelemetry/api';
import type { MetadataBearer, MiddlewareStack } from '@smithy/types';
import { SCOPE, inSpan } from './context';

/** The document client's command names, as DynamoDB's API names them. */
const DOCUMENT_OPERATIONS: Record<string, string> = {
  Put: 'PutItem',
  Get: 'GetItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactWrite: 'TransactWriteItems',
  TransactGet: 'TransactGetItems',
};

/** The DynamoDB operation an SDK command sends (`PutCommand` and `PutItemCommand` alike are PutItem). */
export function operationOf(commandName: string): string {
  const command = commandName.replace(/Command$/, '');
  return DOCUMENT_OPERATIONS[command] ?? command;
}

interface CallInput {
  TableName?: string;
  RequestItems?: Record<string, unknown>;
  TransactItems?: Array<Record<string, { TableName?: string }>>;
}

function tableNames(input: CallInput): string[] {
  const names = new Set<string>();
  if (input.TableName) names.add(input.TableName);
  for (const name of Object.keys(input.RequestItems ?? {})) names.add(name);
  for (const item of input.TransactItems ?? []) for (const action of Object.values(item)) if (action?.TableName) names.add(action.TableName);
  return [...names];
}

/**
 * One client span per AWS call (all its retries inside), named and attributed as OpenTelemetry's AWS SDK
 * semantic conventions say (`rpc.system: aws-api`), which is what makes X-Ray draw DynamoDB as a node of the
 * service map. A middleware rather than @opentelemetry/instrumentation-aws-sdk because both deployables are
 * esbuild bundles, where require-hook instrumentation never sees the SDK being loaded.
 */
export function traceAwsCalls(client: { middlewareStack: MiddlewareStack<object, MetadataBearer> }, service = 'DynamoDB'): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = operationOf(context.commandName ?? 'Unknown');
      const input = args.input as CallInput;
      return inSpan(
        SCOPE.awsSdk,
        `${service}.${operation}`,
        {
          kind: SpanKind.CLIENT,
          attributes: { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': operation, 'aws.dynamodb.table_names': tableNames(input) },
        },
        async (span) => {
          const result = await next(args);
          const metadata = result.output.$metadata;
          if (metadata.requestId) span.setAttribute('aws.request_id', metadata.requestId);
          if (metadata.httpStatusCode) span.setAttribute('http.response.status_code', metadata.httpStatusCode);
          return result;
        },
      );
    },
    { step: 'initialize', name: 'traceAwsCalls', override: true },
  );
}
