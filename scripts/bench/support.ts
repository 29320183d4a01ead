import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pino from 'pino';
import { newOrder } from '../../core/domain/order';
import { orderProcessorMapping } from '../../core/eventSourceMapping';
import { newOrderId } from '../../core/ids';
import { ProductStore } from '../../core/store/products';
import type { ensureUserPool } from '../../local/cognito';
import { LOCAL_AWS } from '../../local/dynamodb';
import type { StreamHandler } from '../../core/streamHandler';
import { StreamPoller } from '../../local/poller/poller';
import { PollerState } from '../../local/poller/state';
import { ensureTable } from '../../local/table';
import { percentile } from '../../loadtest/lib/stats';
import { documentClient } from '../../core/store/client';

/** What every benchmark phase shares: settings, a fresh table, seeding, and a poller on the table's stream. */
export const RUNS = Number(process.env.BENCH_RUNS ?? 3);
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
export const POLL_INTERVAL_MS = 250;
/** The repository root: bench/ results, and the working directory of the API process. */
export const ROOT = path.resolve(__dirname, '../..');

export const median = (values: number[]) => percentile(values, 50);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const log = (message: string) => console.log(`[bench] ${message}`);

export interface Env {
  dynamoEndpoint: string;
  cognitoEndpoint: string;
  pool: Awaited<ReturnType<typeof ensureUserPool>>;
  /** A customer (alice), held to the per-customer limits: what one order costs is measured with this token. */
  token: string;
  customer: string;
  /**
   * A load tester, as the k6 gate signs in: exempt from the per-customer limits, so many concurrent orders from one
   * user do not all meet on its count items (in AWS they would conflict; docs/api.md, Limits). Throughput phases use it.
   */
  loadTestToken: string;
}

export interface BenchTable {
  name: string;
  streamArn: string;
  db: DynamoDBDocumentClient;
  /** The products seeded, each with the same stock. */
  skus: string[];
  /** Deletes the table (and a poller's state table beside it) and closes the client: DynamoDB Local slows as its tables fill. */
  drop(): Promise<void>;
}

/** A fresh orders table with `products` products of `stock` units each (three by default, stock to spare). */
export async function newTable(env: Env, options: { stock?: number; products?: number } = {}): Promise<BenchTable> {
  const name = `bench-${randomUUID().slice(0, 8)}`;
  const admin = new DynamoDBClient({ ...LOCAL_AWS, endpoint: env.dynamoEndpoint });
  const { streamArn } = await ensureTable(admin, name);
  admin.destroy();
  const db = documentClient({ ...LOCAL_AWS, endpoint: env.dynamoEndpoint });
  const count = options.products ?? 3;
  const skus = count === 3 ? ['CB-004', 'MS-002', 'KB-001'] : Array.from({ length: count }, (_, i) => `BENCH-${String(i).padStart(3, '0')}`);
  for (const sku of skus) {
    await new ProductStore(db, name).put({ sku, name: sku, price: 100, currency: 'EUR', stock: options.stock ?? 10_000_000, updatedAt: new Date().toISOString() });
  }
  const drop = async () => {
    db.destroy();
    const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: env.dynamoEndpoint });
    for (const TableName of [name, `${name}-state`]) await client.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
    client.destroy();
  };
  return { name, streamArn, db, skus, drop };
}

export const orderFor = (customerId: string, now = new Date(), sku = 'CB-004') =>
  newOrder({ orderId: newOrderId(now), customerId, items: [{ sku, quantity: 1, unitPrice: 100 }], currency: 'EUR', now });

/** BatchWrite in parallel groups of 25 (retrying unprocessed items): seeding, not measured. */
export async function writeItems(db: DynamoDBDocumentClient, table: string, items: Array<Record<string, unknown>>) {
  for (let i = 0; i < items.length; i += 25 * 8) {
    await Promise.all(
      Array.from({ length: 8 }, async (_, k) => {
        let batch = items.slice(i + k * 25, i + (k + 1) * 25).map((Item) => ({ PutRequest: { Item } }));
        while (batch.length > 0) {
          const result = await db.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
          batch = (result.UnprocessedItems?.[table] ?? []) as typeof batch;
        }
      }),
    );
  }
}

/** The local poller on the table's stream, with its own state table, as `npm start` runs it. */
export async function startPoller(env: Env, table: { name: string; streamArn: string; db: DynamoDBDocumentClient }, handler: StreamHandler, parallelizationFactor = orderProcessorMapping.parallelizationFactor) {
  const stateTable = `${table.name}-state`;
  const admin = new DynamoDBClient({ ...LOCAL_AWS, endpoint: env.dynamoEndpoint });
  await PollerState.ensureTable(admin, stateTable);
  admin.destroy();
  const streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: env.dynamoEndpoint });
  const poller = new StreamPoller({
    streams,
    streamArn: table.streamArn,
    handler,
    settings: { ...orderProcessorMapping, parallelizationFactor },
    state: new PollerState(table.db, stateTable),
    logger: pino({ level: 'silent' }),
    pollIntervalMs: POLL_INTERVAL_MS,
  });
  poller.start();
  return {
    poller,
    stop: async () => {
      await poller.stop();
      streams.destroy();
    },
  };
}
