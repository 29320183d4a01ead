import type { IncomingHttpHeaders } from 'node:http';
import { Held, once } from './held';
import { itemId, partitionId, queriedPartitionValue, type AttributeMap, type KeySchemas } from './keys';
import { AWS_PARTITION_LIMITS, PartitionMeter, type Direction, type PartitionLimits } from './meter';
import { RequestTokens, requestHash } from './tokens';
import {
  idempotentMismatch,
  respond,
  tableArn,
  throttled,
  transactionCanceled,
  transactionConflict,
  transactionInProgress,
  type ReasonCode,
  type ThrottleShape,
  type WireResponse,
} from './wire';

/** Sends a request body to DynamoDB Local with the caller's headers and answers what it answered. */
export type Upstream = (headers: IncomingHttpHeaders, body: Buffer) => Promise<WireResponse>;

export interface RuleOptions {
  limits: PartitionLimits;
  /** The shape a throttled single request gets (ProvisionedThroughputExceededException by default). */
  throttleShape: ThrottleShape;
  now: () => number;
  /**
   * How long a TransactWriteItems holds its items at most: until DynamoDB Local answers it, but no longer than a
   * DynamoDB transaction takes (default 30 ms), so a JVM slowed by a busy machine does not widen the conflict window
   * beyond AWS's. Infinity: until answered.
   */
  maxHoldMs: number;
  /** Test seam: runs while a TransactWriteItems holds its items, before DynamoDB Local sees it. */
  beforeForward?: (operation: string, input: Record<string, unknown>) => Promise<void>;
}

export interface ContentionStats {
  /** TransactWriteItems and TransactGetItems cancelled with a TransactionConflict reason. */
  transactionConflicts: number;
  /** PutItem, UpdateItem and DeleteItem refused with TransactionConflictException. */
  writeConflicts: number;
  /** Requests refused, or transactions cancelled, for a partition's throughput. */
  throttled: number;
  /** TransactWriteItems answered from their ClientRequestToken without running again. */
  replayed: number;
}

interface Target {
  table: string;
  item: string;
  partition: string;
}

/**
 * What DynamoDB answers that DynamoDB Local does not: conflicts with transactions in flight, per-partition
 * throttling and ClientRequestToken idempotency. `handle` answers a request itself, forwards it with its own
 * bookkeeping, or returns undefined for the proxy to pass it through untouched.
 */
export class ContentionRules {
  readonly stats: ContentionStats = { transactionConflicts: 0, writeConflicts: 0, throttled: 0, replayed: 0 };
  private readonly inTransaction = new Held();
  private readonly inSingleWrite = new Held();
  private readonly meter: PartitionMeter;
  private readonly tokens: RequestTokens;
  private readonly options: RuleOptions;

  constructor(
    private readonly schemas: KeySchemas<IncomingHttpHeaders>,
    private readonly forward: Upstream,
    options: Partial<RuleOptions> = {},
  ) {
    this.options = { limits: AWS_PARTITION_LIMITS, throttleShape: 'ProvisionedThroughputExceededException', now: Date.now, maxHoldMs: 10, ...options };
    this.meter = new PartitionMeter(this.options.limits, this.options.now);
    this.tokens = new RequestTokens(this.options.now);
  }

  async handle(operation: string, headers: IncomingHttpHeaders, raw: Buffer, input: Record<string, unknown>): Promise<WireResponse | undefined> {
    switch (operation) {
      case 'CreateTable':
      case 'UpdateTable':
      case 'DeleteTable':
        this.schemas.forget(String(input.TableName));
        return undefined;
      case 'GetItem':
      case 'PutItem':
      case 'UpdateItem':
      case 'DeleteItem':
        return this.single(operation, headers, raw, input);
      case 'Query':
        return this.query(headers, raw, input);
      case 'TransactWriteItems':
        return this.transactWrite(headers, raw, input);
      case 'TransactGetItems':
        return this.transactGet(headers, raw, input);
      default:
        return undefined;
    }
  }

  private async single(operation: string, headers: IncomingHttpHeaders, raw: Buffer, input: Record<string, unknown>) {
    const table = String(input.TableName ?? '');
    const keys = await this.schemas.get(table, headers).catch(() => undefined);
    const key = (operation === 'PutItem' ? input.Item : input.Key) as AttributeMap | undefined;
    if (!keys || !key) return undefined;
    const item = itemId(table, keys, key);
    const partition = partitionId(table, key[keys.hash]);
    const direction: Direction = operation === 'GetItem' ? 'read' : 'write';
    if (direction === 'write' && this.inTransaction.has(item)) {
      this.stats.writeConflicts++;
      return transactionConflict();
    }
    if (this.meter.isHot(partition, direction)) return this.throttle('Table', direction, table);
    if (direction === 'write') this.inSingleWrite.add([item]);
    try {
      return await this.metered(headers, raw, input, (consumed) => this.meter.add(partition, direction, sum(consumed)));
    } finally {
      if (direction === 'write') this.inSingleWrite.remove([item]);
    }
  }

  private async query(headers: IncomingHttpHeaders, raw: Buffer, input: Record<string, unknown>) {
    const table = String(input.TableName ?? '');
    const index = typeof input.IndexName === 'string' ? input.IndexName : undefined;
    const keys = await this.schemas.get(table, headers).catch(() => undefined);
    const hash = index ? keys?.indexHashes.get(index) : keys?.hash;
    const value = hash ? queriedPartitionValue(input, hash) : undefined;
    if (value === undefined) return undefined;
    const partition = partitionId(table, value, index);
    if (this.meter.isHot(partition, 'read')) return this.throttle(index ? 'Index' : 'Table', 'read', table, index);
    return this.metered(headers, raw, input, (consumed) => this.meter.add(partition, 'read', sum(consumed)));
  }

  private async transactWrite(headers: IncomingHttpHeaders, raw: Buffer, input: Record<string, unknown>) {
    const targets = await this.targetsOf(headers, input.TransactItems);
    if (!targets) return undefined;
    // From here to holding the items nothing awaits: two transactions cannot both find an item free.
    const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : undefined;
    const hash = token ? requestHash(input) : '';
    const seen = token ? this.tokens.check(token, hash) : 'new';
    if (seen === 'replay') {
      this.stats.replayed++;
      return respond(200, {});
    }
    if (seen === 'mismatch') return idempotentMismatch();
    if (seen === 'in-progress') return transactionInProgress();
    const refused = this.refusals(targets, 'write', (t) => this.inTransaction.has(t.item));
    if (refused) return refused;
    const items = targets.map((t) => t.item);
    this.inTransaction.add(items);
    const release = once(() => this.inTransaction.remove(items));
    const cap = Number.isFinite(this.options.maxHoldMs) ? setTimeout(release, this.options.maxHoldMs) : undefined;
    if (token) this.tokens.start(token, hash);
    let succeeded = false;
    try {
      await this.options.beforeForward?.('TransactWriteItems', input);
      const response = await this.metered(headers, raw, input, (consumed) => this.spread(consumed, targets, 'write'));
      succeeded = response.status === 200;
      return response;
    } finally {
      clearTimeout(cap);
      release();
      if (token) this.tokens.finish(token, succeeded);
    }
  }

  private async transactGet(headers: IncomingHttpHeaders, raw: Buffer, input: Record<string, unknown>) {
    const targets = await this.targetsOf(headers, input.TransactItems);
    if (!targets) return undefined;
    const refused = this.refusals(targets, 'read', (t) => this.inTransaction.has(t.item) || this.inSingleWrite.has(t.item));
    if (refused) return refused;
    return this.metered(headers, raw, input, (consumed) => this.spread(consumed, targets, 'read'));
  }

  /** A cancellation when any item conflicts or its partition is hot: one reason per item, None for the others. */
  private refusals(targets: Target[], direction: Direction, conflicts: (t: Target) => boolean): WireResponse | undefined {
    const codes = targets.map((t): ReasonCode =>
      conflicts(t) ? 'TransactionConflict' : this.meter.isHot(t.partition, direction) ? 'ThrottlingError' : 'None',
    );
    if (codes.every((c) => c === 'None')) return undefined;
    if (codes.includes('TransactionConflict')) this.stats.transactionConflicts++;
    else this.stats.throttled++;
    return transactionCanceled(codes);
  }

  /** The items of a transaction, or undefined when one cannot be read (DynamoDB Local then answers the request). */
  private async targetsOf(headers: IncomingHttpHeaders, entries: unknown): Promise<Target[] | undefined> {
    if (!Array.isArray(entries) || entries.length === 0) return undefined;
    const targets: Target[] = [];
    for (const entry of entries as Array<Record<string, Record<string, unknown>>>) {
      const [action, spec] = Object.entries(entry ?? {})[0] ?? [];
      const table = String(spec?.TableName ?? '');
      const keys = spec && (await this.schemas.get(table, headers).catch(() => undefined));
      const key = (action === 'Put' ? spec?.Item : spec?.Key) as AttributeMap | undefined;
      if (!keys || !key) return undefined;
      targets.push({ table, item: itemId(table, keys, key), partition: partitionId(table, key[keys.hash]) });
    }
    return targets;
  }

  private throttle(resource: 'Table' | 'Index', direction: Direction, table: string, index?: string): WireResponse {
    this.stats.throttled++;
    const reason = `${resource}${direction === 'read' ? 'Read' : 'Write'}KeyRangeThroughputExceeded`;
    return throttled(this.options.throttleShape, reason, index ? `${tableArn(table)}/index/${index}` : tableArn(table));
  }

  /** A table's units in a multi-item answer, shared evenly among that table's items (DynamoDB reports per table). */
  private spread(consumed: Consumed[], targets: Target[], direction: Direction) {
    for (const entry of consumed) {
      const mine = targets.filter((t) => t.table === entry.TableName);
      for (const t of mine) this.meter.add(t.partition, direction, (entry.CapacityUnits ?? 0) / mine.length);
    }
  }

  /**
   * Forwards with ReturnConsumedCapacity (TOTAL) so the units can be counted, and takes it out of the answer again
   * when the caller did not ask for it.
   */
  private async metered(headers: IncomingHttpHeaders, raw: Buffer, input: Record<string, unknown>, count: (consumed: Consumed[]) => void) {
    const asked = input.ReturnConsumedCapacity !== undefined && input.ReturnConsumedCapacity !== 'NONE';
    // DynamoDB Local keeps ClientRequestTokens of its own, on its own clock: the layer's are the ones that count.
    const { ClientRequestToken: token, ...rest } = input;
    const rewrite = !asked || token !== undefined;
    const sent = rewrite ? Buffer.from(JSON.stringify({ ...rest, ReturnConsumedCapacity: asked ? input.ReturnConsumedCapacity : 'TOTAL' })) : raw;
    const response = await this.forward(headers, sent);
    if (response.status !== 200) return response;
    const output = JSON.parse(response.body.toString('utf8')) as { ConsumedCapacity?: Consumed | Consumed[] };
    count(output.ConsumedCapacity ? [output.ConsumedCapacity].flat() : []);
    if (asked) return response;
    delete output.ConsumedCapacity;
    return respond(200, output);
  }
}

interface Consumed {
  TableName?: string;
  CapacityUnits?: number;
}

const sum = (consumed: Consumed[]) => consumed.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
