import { randomUUID } from 'node:crypto';
import type { Context, DynamoDBBatchResponse } from 'aws-lambda';
import type { ProcessorEvent, StreamHandler } from '../../core/streamHandler';
import type { PollerState } from './state';

export interface RedriveResult {
  id: string;
  ok: boolean;
  detail: string;
}

/** A handler invoked outside a poller, as `npm run dlq` does: one call per redriven batch. */
export const invokedForRedrive =
  (handler: StreamHandler) =>
  (event: ProcessorEvent): Promise<DynamoDBBatchResponse> =>
    handler(event, {
      awsRequestId: randomUUID(),
      functionName: 'orders-processor-redrive',
      invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:orders-processor-redrive',
    } as Context).then(
      (response) => response ?? { batchItemFailures: [] }, // no response: every record succeeded
    );

/**
 * Hands each dead letter's records to the handler again, in their original order; a letter leaves the store
 * only when every record in it succeeds. Safe to repeat: the processor is idempotent.
 */
export async function redriveDeadLetters(state: PollerState, handler: StreamHandler, ids?: readonly string[]): Promise<RedriveResult[]> {
  const letters = (await state.deadLetters()).filter((l) => !ids?.length || ids.includes(l.id));
  const results: RedriveResult[] = [];
  for (const letter of letters) {
    try {
      // The processor continues each order's original trace and marks the decision as a redrive.
      const event: ProcessorEvent = { Records: letter.records, redrive: { deadLetterId: letter.id } };
      const response = await invokedForRedrive(handler)(event);
      const failures = response.batchItemFailures;
      if (failures.length > 0) {
        results.push({ id: letter.id, ok: false, detail: `${failures.length} of ${letter.records.length} records failed again` });
        continue;
      }
      await state.removeDeadLetter(letter.id);
      results.push({ id: letter.id, ok: true, detail: `${letter.records.length} records processed` });
    } catch (err) {
      results.push({ id: letter.id, ok: false, detail: (err as Error).message });
    }
  }
  return results;
}
