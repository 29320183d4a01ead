import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { parseOnFailure, type FailedBatch, type FailedBatchQueue, type UnreadableMessage } from './failedBatches';

/**
 * The stack's on-failure SQS queue. SQS has no "peek": every message is received (hidden from other readers for
 * `holdSeconds`), held again right before it is redriven, and then deleted or made visible again.
 */
export function sqsFailedBatches(sqs: SQSClient, queueUrl: string, holdSeconds = 300): FailedBatchQueue {
  const receipts = new Map<string, string>();
  const receiptOf = (id: string) => {
    const receipt = receipts.get(id);
    if (!receipt) throw new Error(`message ${id} was not received`);
    return receipt;
  };
  return {
    async receiveAll() {
      const batches: FailedBatch[] = [];
      const unreadable: UnreadableMessage[] = [];
      for (;;) {
        const page = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: holdSeconds, WaitTimeSeconds: 1 }),
        );
        if (!page.Messages?.length) break;
        for (const message of page.Messages) {
          if (!message.MessageId || !message.ReceiptHandle) continue;
          // A standard queue may deliver a message twice: only the latest receipt handle surely deletes it.
          const seen = receipts.has(message.MessageId);
          receipts.set(message.MessageId, message.ReceiptHandle);
          if (seen) continue;
          const parsed = parseOnFailure(message.MessageId, message.Body ?? '');
          if ('onFailure' in parsed) batches.push(parsed);
          else unreadable.push(parsed);
        }
      }
      return { batches, unreadable };
    },
    async hold(id) {
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptOf(id), VisibilityTimeout: holdSeconds }));
    },
    async settle(id, done) {
      const receipt = receiptOf(id);
      receipts.delete(id);
      if (done) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receipt }));
      else await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receipt, VisibilityTimeout: 0 }));
    },
  };
}
