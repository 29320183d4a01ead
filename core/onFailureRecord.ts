import { z } from 'zod';

/**
 * What Lambda sends to a stream mapping's on-failure destination (SQS in AWS) when a batch is given up: metadata
 * only, no records (Lambda developer guide, "Retaining discarded batches for a DynamoDB event source"). The
 * local poller writes the same record; `npm run dlq` reads it from either, so it is parsed where it enters.
 */
export const OnFailureRecord = z.looseObject({
  // What the tools read is required; the rest is taken as AWS writes it, which is not documented field by field
  // (records from other mappings show `functionError: null`).
  requestContext: z.looseObject({
    requestId: z.string(),
    functionArn: z.string(),
    condition: z.string(),
    approximateInvokeCount: z.number().int(),
  }),
  responseContext: z.looseObject({ statusCode: z.number().int().optional(), executedVersion: z.string().optional(), functionError: z.string().nullish() }),
  version: z.literal('1.0'),
  timestamp: z.string(),
  DDBStreamBatchInfo: z.looseObject({
    shardId: z.string().min(1),
    startSequenceNumber: z.string().regex(/^\d+$/),
    endSequenceNumber: z.string().regex(/^\d+$/),
    approximateArrivalOfFirstRecord: z.string(),
    approximateArrivalOfLastRecord: z.string(),
    batchSize: z.number().int().min(1),
    streamArn: z.string().min(1),
  }),
});
export type OnFailureRecord = z.infer<typeof OnFailureRecord>;
export type StreamBatchInfo = OnFailureRecord['DDBStreamBatchInfo'];
