import { compareSequence } from './lambdaEvent';

/**
 * The records read from one shard that are not yet behind its checkpoint, in stream order. With several lanes
 * a later record can be done before an earlier one; the checkpoint may only move to the last record of the
 * unbroken run of done records at the front, so it never passes a record another lane still holds.
 */
export class ShardProgress {
  private readonly order: string[] = [];
  private readonly done = new Set<string>();
  private head = 0;

  /** `checkpoint`: where the shard stands (everything up to it is done). */
  constructor(private checkpoint?: string) {}

  /** A record read from the shard, `done` already when it was filtered away. */
  read(sequenceNumber: string, done: boolean): void {
    this.order.push(sequenceNumber);
    if (done) this.done.add(sequenceNumber);
  }

  complete(sequenceNumber: string): void {
    this.done.add(sequenceNumber);
  }

  /** Records read and not yet behind the checkpoint: what this shard's reader holds in memory. */
  get tracked(): number {
    return this.order.length - this.head;
  }

  /** The new checkpoint, when the front of the shard has moved; otherwise undefined. */
  advance(): string | undefined {
    const before = this.checkpoint;
    for (let sequenceNumber = this.order[this.head]; sequenceNumber !== undefined && this.done.has(sequenceNumber); sequenceNumber = this.order[this.head]) {
      this.head++;
      this.done.delete(sequenceNumber);
      this.checkpoint = sequenceNumber;
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
    return this.checkpoint !== before && this.checkpoint && (!before || compareSequence(this.checkpoint, before) > 0) ? this.checkpoint : undefined;
  }

  /** Forget everything not yet checkpointed: the shard is read again from the checkpoint. */
  rewind(): string | undefined {
    this.order.length = 0;
    this.done.clear();
    this.head = 0;
    return this.checkpoint;
  }
}

/** A shard's checkpoints, saved one after another, each further along than the last. */
export class CheckpointWriter {
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly progress: ShardProgress,
    private readonly save: (sequenceNumber: string) => Promise<void>,
  ) {}

  /** Saves the checkpoint if the front of the shard has moved; resolves once it (and every one before) is saved. */
  commit(): Promise<void> {
    const next = this.progress.advance();
    if (next) this.saving = this.saving.catch(() => undefined).then(() => this.save(next));
    return this.saving;
  }

  /** Waits for the last save to end, however it ends. */
  async settle(): Promise<void> {
    await this.saving.catch(() => undefined);
  }
}
