import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';

/** Binary attributes travel base64-encoded in Lambda's JSON event; the SDK hands us bytes. */
function base64Binaries(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(base64Binaries);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, base64Binaries(v)]));
  }
  return value;
}

const userIdentityOf = ({ Type, PrincipalId }: NonNullable<StreamRecord['userIdentity']>) => ({
  ...(Type !== undefined ? { type: Type } : {}),
  ...(PrincipalId !== undefined ? { principalId: PrincipalId } : {}),
});

/**
 * A GetRecords record as Lambda delivers it: eventSourceARN added, ApproximateCreationDateTime in epoch
 * seconds (not a Date), binary as base64, a TTL deletion's userIdentity with the stream record's key names.
 */
export function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const { ApproximateCreationDateTime, ...rest } = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion,
    eventSource: record.eventSource,
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    // TTL deletions carry who deleted them. GetRecords names the keys Type and PrincipalId; the stream record
    // Lambda delivers names them type and principalId ({ type: 'Service', principalId: 'dynamodb.amazonaws.com' }).
    ...(record.userIdentity ? { userIdentity: userIdentityOf(record.userIdentity) } : {}),
    dynamodb: {
      ...(base64Binaries(rest) as DynamoDBRecord['dynamodb']),
      ...(ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) } : {}),
    },
  };
}

export const sequenceOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '';

/** The first and the last record of a batch, which is never empty (the poller only ever delivers records). */
export function endsOf(records: readonly DynamoDBRecord[]): { first: DynamoDBRecord; last: DynamoDBRecord } {
  const [first] = records;
  const last = records.at(-1);
  if (!first || !last) throw new Error('a batch without records');
  return { first, last };
}

/** Stream sequence numbers are decimal strings of varying length: compare as big integers. */
export const compareSequence = (a: string, b: string): number => {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
};
