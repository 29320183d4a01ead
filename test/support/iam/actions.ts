import { operationOf } from '../../../core/tracing/awsCalls';

/**
 * An AWS SDK command as the IAM actions it needs, the way DynamoDB authorises it: each item of a
 * TransactWriteItems is its own action (PutItem, UpdateItem, DeleteItem, ConditionCheckItem), a batch needs its
 * action on each table, and a Query or Scan of an index needs the index's ARN.
 */
export interface IamRequest {
  action: string;
  table: string;
  index?: string;
}

const TRANSACT_WRITE_ACTIONS: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };

type Input = Record<string, unknown> & { TableName?: string; IndexName?: string };

export function iamRequests(commandName: string, input: Input): IamRequest[] {
  const operation = operationOf(commandName);
  switch (operation) {
    case 'TransactWriteItems':
      return (input.TransactItems as Array<Record<string, { TableName: string }>>).map((item) => {
        const [kind, body] = Object.entries(item)[0]!;
        const action = TRANSACT_WRITE_ACTIONS[kind];
        if (!action) throw new Error(`unknown TransactWriteItems entry ${kind}`);
        return { action: `dynamodb:${action}`, table: body.TableName };
      });
    case 'TransactGetItems':
      return (input.TransactItems as Array<{ Get: { TableName: string } }>).map((item) => ({ action: 'dynamodb:GetItem', table: item.Get.TableName }));
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys(input.RequestItems as object).map((table) => ({ action: `dynamodb:${operation}`, table }));
    case 'Query':
    case 'Scan':
      return [{ action: `dynamodb:${operation}`, table: input.TableName!, ...(input.IndexName ? { index: input.IndexName } : {}) }];
    default:
      return [{ action: `dynamodb:${operation}`, table: input.TableName! }];
  }
}
