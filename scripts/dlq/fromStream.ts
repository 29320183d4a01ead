import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { FilterPattern } from '../../core/filterPattern';
import { orderIdOfKey } from '../../core/table';
import type { ProcessorEvent } from '../../core/streamHandler';
import type { FailedBatch, FailedBatchQueue } from './failedBatches';
import { fetchStreamRange, type StreamRange } from './streamRange';

export interface FailedBatchReport {
  batch: FailedBatch;
  range: StreamRange;
}

export interface RedriveOutcome {
  id: string;
  status: 'redriven' | 'failed' | 'expired' | 'incomplete';
  detail: string;
}

/** The order each record is about, for people reading a list. */
export const orderIdsOf = (records: readonly DynamoDBRecord[]) =>
  records.map((r) => r.dynamodb?.NewImage?.orderId?.S ?? orderIdOfKey(r.dynamodb?.Keys?.PK?.S) ?? '?');

interface Deps {
  queue: FailedBatchQueue;
  streams: DynamoDBStreamsClient;
  filterPatterns: readonly FilterPattern[];
}

/** Every failed batch waiting, with what the stream still holds of it. Every message goes back to the queue. */
export async function listFromStream({ queue, streams, filterPatterns }: Deps) {
  const { batches, unreadable } = await queue.receiveAll();
  const reports: FailedBatchReport[] = [];
  try {
    for (const batch of batches) {
      // One range the stream will not serve must not hide the others.
      const range = await fetchStreamRange(streams, batch.onFailure.DDBStreamBatchInfo, filterPatterns).catch((err: Error): StreamRange => ({
        kind: 'unreadable',
        why: err.message,
      }));
      reports.push({ batch, range });
    }
  } finally {
    for (const { id } of [...batches, ...unreadable]) await queue.settle(id, false).catch(() => undefined);
  }
  return { reports, unreadable };
}

/**
 * Redrives failed batches whose records the stream still holds: fetched by shard and sequence range, handed to
 * the processor (which continues each order's trace as a redrive), and the message is deleted only when every
 * record succeeds. Anything else stays in the queue, saying why.
 */
export async function redriveFromStream(
  deps: Deps & { process: (event: ProcessorEvent) => Promise<DynamoDBBatchResponse> },
  ids: readonly string[] = [],
): Promise<RedriveOutcome[]> {
  const { batches, unreadable } = await deps.queue.receiveAll();
  const outcomes: RedriveOutcome[] = [];
  for (const { id } of unreadable) await deps.queue.settle(id, false);
  for (const batch of batches) {
    if (ids.length > 0 && !ids.includes(batch.id)) {
      await deps.queue.settle(batch.id, false);
      continue;
    }
    const outcome = await deps.queue
      .hold(batch.id)
      .then(() => redriveOne(batch, deps))
      .catch((err: Error): RedriveOutcome => ({ id: batch.id, status: 'failed', detail: err.message }));
    // A message whose hold lapsed may be with another reader by now: say so rather than stop the run.
    await deps.queue.settle(batch.id, outcome.status === 'redriven').catch((err: Error) => {
      outcome.detail += `; the message could not be ${outcome.status === 'redriven' ? 'deleted' : 'released'} (${err.message}): run again`;
    });
    outcomes.push(outcome);
  }
  return outcomes;
}

async function redriveOne(batch: FailedBatch, deps: Deps & { process: (event: ProcessorEvent) => Promise<DynamoDBBatchResponse> }): Promise<RedriveOutcome> {
  const info = batch.onFailure.DDBStreamBatchInfo;
  const range = await fetchStreamRange(deps.streams, info, deps.filterPatterns);
  if (range.kind === 'unreadable') return { id: batch.id, status: 'failed', detail: `the stream could not be read: ${range.why}` };
  if (range.kind === 'expired') {
    return {
      id: batch.id,
      status: 'expired',
      detail: `${range.why}; its ${info.batchSize} record(s) cannot be redriven (orders in it stay as they are: find PENDING ones older than the batch's ${info.approximateArrivalOfLastRecord})`,
    };
  }
  if (!range.complete) return { id: batch.id, status: 'incomplete', detail: `could not read the stream up to sequence ${info.endSequenceNumber}; try again` };
  if (range.records.length === 0) return { id: batch.id, status: 'redriven', detail: 'no record in the range is one the processor handles' };
  const response = await deps.process({ Records: range.records, redrive: { deadLetterId: batch.id } });
  const failed = response.batchItemFailures.length;
  if (failed > 0) return { id: batch.id, status: 'failed', detail: `${failed} of ${range.records.length} record(s) failed again` };
  const note = range.missing > 0 ? `; ${range.missing} of the batch's ${info.batchSize} record(s) were no longer in the stream` : '';
  return { id: batch.id, status: 'redriven', detail: `${range.records.length} record(s) processed (orders ${orderIdsOf(range.records).join(', ')})${note}` };
}
