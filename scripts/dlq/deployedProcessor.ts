import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { DynamoDBBatchResponse } from 'aws-lambda';
import type { ProcessorEvent } from '../../core/streamHandler';

/**
 * The stack's deployed processor, invoked synchronously with a redrive event: the decision runs in AWS with
 * the function's own role, version, logs and traces, exactly as the stream's deliveries do.
 */
export function deployedProcessor(lambda: LambdaClient, functionName: string) {
  return async (event: ProcessorEvent): Promise<DynamoDBBatchResponse> => {
    const answer = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event)) }),
    );
    const text = answer.Payload ? Buffer.from(answer.Payload).toString('utf8') : '';
    if (answer.FunctionError) {
      const reason = (() => {
        try {
          const error = JSON.parse(text) as { errorType?: string; errorMessage?: string };
          return `${error.errorType ?? 'Error'}: ${error.errorMessage ?? text}`;
        } catch {
          return text;
        }
      })();
      throw new Error(`${functionName} failed (${answer.FunctionError}): ${reason}`);
    }
    const response = (text ? JSON.parse(text) : null) as DynamoDBBatchResponse | null;
    return { batchItemFailures: response?.batchItemFailures ?? [] };
  };
}
