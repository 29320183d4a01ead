import { OnFailureRecord } from '../../core/onFailureRecord';

/** One on-failure message: which batch of which shard was given up, and why. */
export interface FailedBatch {
  /** The message's id (SQS MessageId, or the local store's id). */
  id: string;
  onFailure: OnFailureRecord;
}

/** A message that is not an on-failure record (someone sent it by hand): shown, never redriven or deleted. */
export interface UnreadableMessage {
  id: string;
  error: string;
}

/**
 * Where a stack's failed batches wait: the SQS on-failure queue in AWS, the poller's store locally. Received
 * messages are held back from other readers until `settle` says whether they are done (deleted) or not (back
 * in the queue at once).
 */
export interface FailedBatchQueue {
  receiveAll(): Promise<{ batches: FailedBatch[]; unreadable: UnreadableMessage[] }>;
  /** Keeps a received message from other readers for another while: called right before it is redriven. */
  hold(id: string): Promise<void>;
  settle(id: string, done: boolean): Promise<void>;
}

export function parseOnFailure(id: string, body: string): FailedBatch | UnreadableMessage {
  try {
    const parsed = OnFailureRecord.safeParse(JSON.parse(body));
    if (parsed.success) return { id, onFailure: parsed.data };
    return {
      id,
      error: `not a DynamoDB stream on-failure record: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    };
  } catch (err) {
    return { id, error: `not JSON: ${(err as Error).message}` };
  }
}
