import type { DynamoDBRecord } from 'aws-lambda';

/**
 * DynamoDB Local writes `ApproximateCreationDateTime` rounded down to the minute (AWS rounds to the second),
 * so a record stamped 12:00:00 was written at some time up to 12:00:59. Ages are computed from the latest
 * time a record can have been written (its stamp plus that resolution, and never after the poller first read
 * it), so a record is never judged older than it is and never expires early.
 */
export const LOCAL_STAMP_RESOLUTION_SECONDS = 60;

export class RecordClock {
  private readonly firstRead = new WeakMap<DynamoDBRecord, number>();

  constructor(
    private readonly nowSeconds: () => number = () => Date.now() / 1000,
    private readonly stampResolutionSeconds = LOCAL_STAMP_RESOLUTION_SECONDS,
  ) {}

  /** The poller read `record` from the stream just now. */
  read(record: DynamoDBRecord): void {
    if (!this.firstRead.has(record)) this.firstRead.set(record, this.nowSeconds());
  }

  /** The latest moment the record can have been written, in epoch seconds. */
  writtenBy(record: DynamoDBRecord): number {
    const read = this.firstRead.get(record) ?? this.nowSeconds();
    const stamp = record.dynamodb?.ApproximateCreationDateTime;
    return stamp === undefined ? read : Math.min(stamp + this.stampResolutionSeconds, read);
  }

  ageSeconds(record: DynamoDBRecord): number {
    return this.nowSeconds() - this.writtenBy(record);
  }

  /** The record's arrival as the on-failure record states it: its stamp (minute resolution locally), as ISO 8601. */
  arrival(record: DynamoDBRecord): string {
    const stamp = record.dynamodb?.ApproximateCreationDateTime;
    return new Date((stamp ?? this.writtenBy(record)) * 1000).toISOString();
  }
}
