import type { OrderStatus } from './domain/order';
import { validateFilterCriteria, type FilterPattern } from './filterPattern';
import { ENTITY } from './table';

/**
 * How the order processor consumes the table's stream, defined once: infra/ builds the Lambda
 * EventSourceMapping from it and the local poller (local/poller) obeys the same numbers, so a behaviour
 * seen on a laptop is the behaviour deployed.
 */
export interface EventSourceMappingSettings {
  /** Records per invocation (Lambda: 1–10,000; GetRecords reads ≤ 1,000 at a time). */
  batchSize: number;
  /** Wait up to this long to fill a batch; 0 invokes as soon as records arrive (~4 polls a second). */
  maximumBatchingWindowInSeconds: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** On a function error, split the batch in two and retry the halves (does not count as a retry). */
  bisectBatchOnFunctionError: boolean;
  /** Retries of a failing batch before its records go to the on-failure destination (-1 = until they expire). */
  maximumRetryAttempts: number;
  /** Records older than this are not retried but sent to the on-failure destination (-1 = never). */
  maximumRecordAgeInSeconds: number;
  /** The handler reports failed records by SequenceNumber; the rest of the batch is not retried. */
  functionResponseTypes: ReadonlyArray<'ReportBatchItemFailures'>;
  /**
   * Batches of one shard in flight at once, records of one partition key (one order) always in the same one.
   * Each stack sets its own (Pulumi.<stack>.yaml, orders:processor); the value below is `npm start`'s default.
   */
  parallelizationFactor: number;
  /** Lambda filter criteria (OR-ed): only order state changes the processor owns are delivered. */
  filterPatterns: readonly FilterPattern[];
  /** Where exhausted batches are reported: an SQS queue in AWS, a dead-letter store locally. */
  onFailure: { kind: 'sqs'; messageRetentionSeconds: number };
}

/**
 * Records of different orders the processor decides at once within one batch (records of one order stay in
 * sequence). Each decision is a DynamoDB round trip, so this, not the batch size, sets a shard's decision rate.
 */
export const DECISION_CONCURRENCY = 16;

/** The processor function's timeout: infra deploys it, and the local poller fails an invocation that outlives it. */
export const PROCESSOR_TIMEOUT_SECONDS = 60;

/**
 * A change of an order item from one status (null: from nothing, an INSERT) to another, as a filter on the
 * stream record's images: typed by the domain's statuses and the table's entity tag, so a status the domain
 * does not have cannot be written here. An INSERT has no old image; `exists` applies to leaves, so it is the old
 * status that must be absent.
 */
export function orderStatusChange(from: OrderStatus | null, to: OrderStatus): FilterPattern {
  return {
    dynamodb: {
      OldImage: { status: { S: from === null ? [{ exists: false }] : [from] } },
      NewImage: { entityType: { S: [ENTITY.order] }, status: { S: [to] } },
    },
  };
}

/**
 * The work the processor does, each kind with the order change that calls for it: the mapping's filter patterns
 * are these patterns, and the handler reads a record's work from the same list, never from its event name.
 */
export const ORDER_WORK = [
  // A new order to reserve stock for.
  { kind: 'reserve', pattern: orderStatusChange(null, 'PENDING') },
  // A confirmed order cancelled by its customer: its stock goes back.
  { kind: 'release', pattern: orderStatusChange('CONFIRMED', 'CANCELLED') },
] as const satisfies ReadonlyArray<{ kind: string; pattern: FilterPattern }>;
export type OrderWorkKind = (typeof ORDER_WORK)[number]['kind'];

export const orderProcessorMapping: EventSourceMappingSettings = {
  batchSize: 100,
  maximumBatchingWindowInSeconds: 0,
  startingPosition: 'TRIM_HORIZON',
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 5,
  maximumRecordAgeInSeconds: 6 * 60 * 60,
  functionResponseTypes: ['ReportBatchItemFailures'],
  parallelizationFactor: 1,
  // Only the `dynamodb` key: the one AWS documents for filtering DynamoDB stream records. Checked as this module loads
  // (deploy, processor start, npm start), so a pattern Lambda would refuse or read otherwise never gets that far.
  filterPatterns: validateFilterCriteria(
    ORDER_WORK.map((work) => work.pattern),
    { eventSource: 'dynamodb' },
  ),
  onFailure: { kind: 'sqs', messageRetentionSeconds: 14 * 24 * 60 * 60 },
};
