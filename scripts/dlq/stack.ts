import { execFileSync } from 'node:child_process';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { orderProcessorMapping } from '../../core/eventSourceMapping';
import type { StackName } from '../../infra/policy/stackConfig';
import { readJson } from '../pipeline/cli';
import { deployedProcessor } from './deployedProcessor';
import { listFromStream, orderIdsOf, redriveFromStream } from './fromStream';
import { sqsFailedBatches } from './sqsQueue';

/** What `npm run dlq -- --stack` reads from `pulumi stack output --json` (infra/index.ts exports these). */
export const DeadLetterOutputs = z.looseObject({
  dlqUrl: z.url(),
  processorFunctionName: z.string().min(1),
  region: z.string().min(1),
});

function stackOutputs(stack: StackName, outputsFile: string | undefined): z.infer<typeof DeadLetterOutputs> {
  const raw = outputsFile ? readJson(outputsFile) : JSON.parse(execFileSync('pulumi', ['stack', 'output', '--json', '--stack', stack], { encoding: 'utf8' }));
  const parsed = DeadLetterOutputs.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `the outputs of stack ${stack} lack what npm run dlq needs: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/**
 * A deployed stack's failed batches: the on-failure queue says which shard and sequence range failed, the
 * stream (for 24 hours) still holds the records, and the deployed processor decides them again.
 */
export async function stackDeadLetters(command: 'list' | 'redrive', ids: readonly string[], stack: StackName, outputsFile?: string): Promise<void> {
  const outputs = stackOutputs(stack, outputsFile);
  const clients = {
    sqs: new SQSClient({ region: outputs.region }),
    streams: new DynamoDBStreamsClient({ region: outputs.region }),
    lambda: new LambdaClient({ region: outputs.region }),
  };
  const deps = { queue: sqsFailedBatches(clients.sqs, outputs.dlqUrl), streams: clients.streams, filterPatterns: orderProcessorMapping.filterPatterns };
  try {
    if (command === 'list') {
      const { reports, unreadable } = await listFromStream(deps);
      if (reports.length + unreadable.length === 0) console.log(`The on-failure queue of ${stack} is empty.`);
      for (const { batch, range } of reports) {
        const info = batch.onFailure.DDBStreamBatchInfo;
        const held =
          range.kind === 'expired'
            ? `EXPIRED: ${range.why}`
            : range.kind === 'unreadable'
              ? `UNREADABLE STREAM: ${range.why}`
              : `orders: ${orderIdsOf(range.records).join(', ') || '(none the processor handles)'}`;
        console.log(
          `${batch.id}  ${batch.onFailure.timestamp}  ${batch.onFailure.requestContext.condition}  ${info.batchSize} record(s), ${info.shardId} seq ${info.startSequenceNumber}…${info.endSequenceNumber}\n    ${held}`,
        );
      }
      for (const message of unreadable) console.log(`${message.id}  UNREADABLE: ${message.error}`);
      return;
    }
    const outcomes = await redriveFromStream({ ...deps, process: deployedProcessor(clients.lambda, outputs.processorFunctionName) }, ids);
    if (outcomes.length === 0) console.log(ids.length ? `No message with id ${ids.join(', ')} in the queue.` : 'Nothing to redrive.');
    for (const outcome of outcomes)
      console.log(`${outcome.status === 'redriven' ? 'redriven' : outcome.status.toUpperCase().padEnd(8)} ${outcome.id}: ${outcome.detail}`);
    if (outcomes.some((o) => o.status !== 'redriven')) process.exitCode = 1;
  } finally {
    for (const client of Object.values(clients)) client.destroy();
  }
}
