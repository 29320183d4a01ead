/** The shard facts DescribeStream gives us. */
export interface ShardInfo {
  shardId: string;
  parentShardId?: string;
  /** Set once the shard is closed: it will get no new records, and is finished once read to its end. */
  endingSequenceNumber?: string;
}

/**
 * Which shards may be read now: not finished, not already being read, and whose parent (if DescribeStream
 * still lists it) is finished. Lambda reads a parent before its children so an item's changes stay in order
 * across a shard split.
 */
export function shardsReadyToRead(shards: readonly ShardInfo[], finished: ReadonlySet<string>, reading: ReadonlySet<string>): string[] {
  const listed = new Set(shards.map((s) => s.shardId));
  return shards
    .filter((s) => !finished.has(s.shardId) && !reading.has(s.shardId))
    .filter((s) => !s.parentShardId || !listed.has(s.parentShardId) || finished.has(s.parentShardId))
    .map((s) => s.shardId);
}
