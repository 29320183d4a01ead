import type { DynamoDBRecord } from 'aws-lambda';

/** Lambda's synchronous invocation payload limit: a stream batch is cut before it would exceed it. */
export const INVOCATION_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
const EVENT_ENVELOPE_BYTES = Buffer.byteLength('{"Records":[]}');

export const recordBytes = (record: DynamoDBRecord): number => Buffer.byteLength(JSON.stringify(record));

/**
 * Records waiting to be delivered, in stream order. A batch is cut at the batch size or where the next record
 * would take the event past the payload limit, whichever comes first.
 */
export class BatchBuffer {
  private readonly records: DynamoDBRecord[] = [];
  private readonly sizes: number[] = [];
  private bytes = EVENT_ENVELOPE_BYTES;

  constructor(
    private readonly batchSize: number,
    private readonly payloadLimit = INVOCATION_PAYLOAD_LIMIT_BYTES,
  ) {}

  get length(): number {
    return this.records.length;
  }

  push(record: DynamoDBRecord): void {
    const size = recordBytes(record) + 1; // and its comma
    this.records.push(record);
    this.sizes.push(size);
    this.bytes += size;
  }

  clear(): void {
    this.records.length = 0;
    this.sizes.length = 0;
    this.bytes = EVENT_ENVELOPE_BYTES;
  }

  /** A full batch is waiting: by count, or by payload size. */
  get full(): boolean {
    return this.records.length >= this.batchSize || this.bytes > this.payloadLimit;
  }

  /** Removes and returns the next batch (never empty while records wait: one record always fits). */
  take(): DynamoDBRecord[] {
    let count = 0;
    let bytes = EVENT_ENVELOPE_BYTES;
    for (
      let size = this.sizes[0];
      size !== undefined && count < this.batchSize && (count === 0 || bytes + size <= this.payloadLimit);
      size = this.sizes[count]
    ) {
      bytes += size;
      count++;
    }
    const taken = this.sizes.splice(0, count).reduce((a, b) => a + b, 0);
    this.bytes -= taken;
    return this.records.splice(0, count);
  }
}
