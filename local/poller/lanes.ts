import { createHash } from 'node:crypto';
import type { DynamoDBRecord } from 'aws-lambda';

/**
 * Which of a shard's `parallelizationFactor` lanes a record goes to. Lambda hashes the record's partition key,
 * so every change to one item (an order's INSERT and its later cancel) lands in the same lane, in stream order,
 * while different items spread over the lanes.
 */
export function laneOf(record: DynamoDBRecord, parallelizationFactor: number, hashKey: string): number {
  if (parallelizationFactor <= 1) return 0;
  const key = record.dynamodb?.Keys?.[hashKey];
  const digest = createHash('md5')
    .update(JSON.stringify(key ?? null))
    .digest();
  return digest.readUInt32BE(0) % parallelizationFactor;
}
