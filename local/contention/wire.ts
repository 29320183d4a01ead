import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * DynamoDB's JSON 1.0 protocol as the SDK reads it: an error is HTTP 400 with `__type` naming the shape (the SDK
 * keeps what follows `#` as `err.name`) and the shape's members beside it. Shapes and messages as the DynamoDB API
 * reference documents them (TransactWriteItems, TransactionCanceledException, CancellationReason, ThrottlingReason).
 */
export const ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';
export const CONTENT_TYPE = 'application/x-amz-json-1.0';

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** A response with the headers DynamoDB sends: request id, and the body's CRC32 (which some SDKs check). */
export function respond(status: number, payload: unknown, headers: Record<string, string> = {}): WireResponse {
  const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return {
    status,
    body,
    headers: {
      ...headers,
      'content-type': CONTENT_TYPE,
      'content-length': String(body.length),
      'x-amzn-requestid': randomUUID().replace(/-/g, '').toUpperCase(),
      'x-amz-crc32': String(crc32(body)),
    },
  };
}

export const awsError = (type: string, members: Record<string, unknown>) => respond(400, { __type: `${ERROR_PREFIX}${type}`, ...members });

export type ReasonCode = 'None' | 'TransactionConflict' | 'ThrottlingError';

const CONFLICT_MESSAGE = 'Transaction is ongoing for the item';
export const THROTTLING_MESSAGE =
  'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again ' +
  'shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html';
const REASON_MESSAGES: Record<Exclude<ReasonCode, 'None'>, string> = { TransactionConflict: CONFLICT_MESSAGE, ThrottlingError: THROTTLING_MESSAGE };

/** A transaction cancelled before it ran: one reason per item, in request order. */
export function transactionCanceled(codes: readonly ReasonCode[]): WireResponse {
  return awsError('TransactionCanceledException', {
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    CancellationReasons: codes.map((Code) => (Code === 'None' ? { Code } : { Code, Message: REASON_MESSAGES[Code] })),
  });
}

/** A PutItem, UpdateItem or DeleteItem on an item an ongoing TransactWriteItems holds. */
export const transactionConflict = () => awsError('TransactionConflictException', { message: CONFLICT_MESSAGE });

export type ThrottleShape = 'ProvisionedThroughputExceededException' | 'ThrottlingException';

/**
 * A request refused for its partition's throughput. `reason` follows ThrottlingReason's format
 * (Table|Index + Read|Write + KeyRangeThroughputExceeded); ThrottlingException spells its list in lower camel case.
 */
export function throttled(shape: ThrottleShape, reason: string, resource: string): WireResponse {
  const reasons = [{ reason, resource }];
  return shape === 'ThrottlingException'
    ? awsError(shape, { message: THROTTLING_MESSAGE, throttlingReasons: reasons })
    : awsError(shape, {
        message:
          'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
        ThrottlingReasons: reasons,
      });
}

export const idempotentMismatch = () =>
  awsError('IdempotentParameterMismatchException', { Message: 'The request uses the same client token as a previous, but non-identical request.' });

/** The same ClientRequestToken while the first request with it is still running (the SDK retries this). */
export const transactionInProgress = () =>
  awsError('TransactionInProgressException', { Message: 'The transaction with the given request token is already in progress.' });

export const tableArn = (table: string) => `arn:aws:dynamodb:ddblocal:000000000000:table/${table}`;
