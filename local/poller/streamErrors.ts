/** How DynamoDB Streams says what went wrong, read the same way by the poller and by `npm run dlq`. */
export const errorName = (err: unknown): string | undefined => (err as Error)?.name;

/** The shard no longer exists: trimmed away by the 24-hour retention, or the stream was replaced. */
export const isShardGone = (err: unknown): boolean =>
  errorName(err) === 'ResourceNotFoundException' || (errorName(err) === 'ValidationException' && /invalid shardid/i.test((err as Error).message));

/** The records asked for are older than what the stream still holds. */
export const isTrimmed = (err: unknown): boolean => errorName(err) === 'TrimmedDataAccessException';
