/** Items and partitions as DynamoDB identifies them: table name plus key attributes, from each table's key schema. */
export type AttributeMap = Record<string, unknown>;

export interface TableKeys {
  hash: string;
  range?: string;
  /** Each global or local secondary index's partition key attribute. */
  indexHashes: Map<string, string>;
}

interface KeySchemaElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}
export interface TableDescription {
  KeySchema?: KeySchemaElement[];
  GlobalSecondaryIndexes?: Array<{ IndexName: string; KeySchema: KeySchemaElement[] }>;
  LocalSecondaryIndexes?: Array<{ IndexName: string; KeySchema: KeySchemaElement[] }>;
}

export function keysOf(table: TableDescription): TableKeys | undefined {
  const hashOf = (schema: KeySchemaElement[] = []) => schema.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const hash = hashOf(table.KeySchema);
  if (!hash) return undefined;
  const range = table.KeySchema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  const indexHashes = new Map<string, string>();
  for (const index of [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])]) {
    const indexHash = hashOf(index.KeySchema);
    if (indexHash) indexHashes.set(index.IndexName, indexHash);
  }
  return { hash, ...(range ? { range } : {}), indexHashes };
}

/**
 * Key schemas by table name, asked of DynamoDB Local once per table (DescribeTable) and forgotten when a table is
 * created, updated or deleted through the proxy. An unknown table is not cached: DynamoDB Local answers for it.
 */
export class KeySchemas<Context> {
  private readonly cache = new Map<string, Promise<TableKeys | undefined>>();

  /** `context`: what the describing call needs from the request that asked (the proxy passes its headers). */
  constructor(private readonly describe: (table: string, context: Context) => Promise<TableDescription | undefined>) {}

  get(table: string, context: Context): Promise<TableKeys | undefined> {
    let keys = this.cache.get(table);
    if (!keys) {
      keys = this.describe(table, context).then((description) => (description ? keysOf(description) : undefined));
      this.cache.set(table, keys);
      keys.then(
        (found) => found ?? this.cache.delete(table),
        () => this.cache.delete(table),
      );
    }
    return keys;
  }

  forget(table: string): void {
    this.cache.delete(table);
  }
}

const SEP = '\u0000';

/** The item a key (or a whole item, for a Put) names in `table`. */
export const itemId = (table: string, keys: TableKeys, item: AttributeMap) =>
  [table, JSON.stringify(item[keys.hash] ?? null), keys.range ? JSON.stringify(item[keys.range] ?? null) : ''].join(SEP);

/** The partition (table or index, and partition key value) the item's throughput counts against. */
export const partitionId = (table: string, hashValue: unknown, index?: string) => [table, index ?? '', JSON.stringify(hashValue ?? null)].join(SEP);

/**
 * The partition key value a Query's KeyConditionExpression names (`PK = :pk`, `#pk = :pk`), or undefined when
 * the expression cannot be read that simply.
 */
export function queriedPartitionValue(
  input: { KeyConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: AttributeMap },
  hash: string,
): unknown {
  const expression = input.KeyConditionExpression ?? '';
  for (const match of expression.matchAll(/(#?[A-Za-z0-9_.-]+)\s*=\s*(:[A-Za-z0-9_]+)/g)) {
    const [, nameToken = '', valueToken = ''] = match;
    const name = nameToken.startsWith('#') ? input.ExpressionAttributeNames?.[nameToken] : nameToken;
    if (name === hash) return input.ExpressionAttributeValues?.[valueToken];
  }
  return undefined;
}
