import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

/** A stream event, or the same records handed over again from a dead letter (which says so). */
export type ProcessorEvent = DynamoDBStreamEvent & { redrive?: { deadLetterId: string } };

/**
 * A function on the table's stream, as Lambda invokes it: the processor, and whatever the local poller, the
 * dead-letter tools or a test hand events to. No response (or null) means every record succeeded.
 */
export type StreamHandler = (event: ProcessorEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;
