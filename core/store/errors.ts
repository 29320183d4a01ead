/** How DynamoDB reports a lost condition; the errors the use cases see are in core/orders/errors.ts. */
const CONDITION_FAILED = 'ConditionalCheckFailedException';
export const isConditionFailed = (err: unknown): boolean => (err as { name?: string })?.name === CONDITION_FAILED;

export interface CancellationReason {
  Code?: string;
  Item?: Record<string, unknown>;
}

/** The per-item reasons of a TransactionCanceledException, or undefined for any other error. */
export function cancellationReasons(err: unknown): CancellationReason[] | undefined {
  const e = err as { name?: string; CancellationReasons?: CancellationReason[] };
  return e?.name === 'TransactionCanceledException' ? (e.CancellationReasons ?? []) : undefined;
}
