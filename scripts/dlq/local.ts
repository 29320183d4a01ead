import { LOCAL_AWS } from '../../local/dynamodb';
import { redriveDeadLetters } from '../../local/poller/redrive';
import { PollerState, pollerStateTableName } from '../../local/poller/state';
import { localProcessor } from '../../local/processor';
import { localSettings } from '../../local/settings';
import { documentClient } from '../../core/store/client';
import { orderIdsOf } from './fromStream';

/** The local poller's dead-letter store, for the stack `npm start` runs (found through the same settings). */
export async function localDeadLetters(command: 'list' | 'redrive', ids: readonly string[]): Promise<void> {
  const settings = localSettings();
  const db = documentClient({ ...LOCAL_AWS, endpoint: `http://127.0.0.1:${settings.dynamoPort}`, maxAttempts: 1 });
  const state = new PollerState(db, pollerStateTableName(settings.tableName));
  try {
    const letters = await state.deadLetters().catch((err: Error) => {
      throw new Error(
        `cannot read the dead-letter store on DynamoDB Local at port ${settings.dynamoPort} (${err.message}); is \`npm start\` running with the same PORT?`,
      );
    });
    if (command === 'list') {
      if (letters.length === 0) console.log('The dead-letter store is empty.');
      for (const letter of letters) {
        const info = letter.onFailure.DDBStreamBatchInfo;
        const orders = orderIdsOf(letter.records).join(', ');
        console.log(
          `${letter.id}  ${letter.onFailure.timestamp}  ${letter.onFailure.requestContext.condition}  ` +
            `${info.batchSize} record(s), seq ${info.startSequenceNumber}…${info.endSequenceNumber}\n    orders: ${orders}\n    last error: ${letter.lastError}`,
        );
      }
      return;
    }
    const results = await redriveDeadLetters(state, localProcessor({ db, tableName: settings.tableName }), ids);
    if (results.length === 0) console.log(ids.length ? `No dead letter with id ${ids.join(', ')}.` : 'Nothing to redrive.');
    for (const result of results) console.log(`${result.ok ? 'redriven' : 'FAILED  '} ${result.id}: ${result.detail}`);
    if (results.some((r) => !r.ok)) process.exitCode = 1;
  } finally {
    db.destroy();
  }
}
