import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { EventSourceMappingSettings } from '../../core/eventSourceMapping';
import { orderProcessorMapping } from '../../core/eventSourceMapping';
import { newOrder, type Order } from '../../core/domain/order';
import { newOrderId } from '../../core/ids';
import { OrderStore } from '../../core/store/orders';
import { ProductStore } from '../../core/store/products';
import { LOCAL_AWS } from '../../local/dynamodb';
import type { StreamHandler } from '../../core/streamHandler';
import { StreamPoller } from '../../local/poller/poller';
import { PollerState } from '../../local/poller/state';
import pino, { type Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { standIns, type TestTable } from './env';

export interface TestPoller {
  poller: StreamPoller;
  state: PollerState;
  stop(): Promise<void>;
}

/** A poller on `table`'s stream with its own state table; short retry delays so contract tests run fast. */
export async function startTestPoller(
  table: TestTable,
  handler: StreamHandler,
  options: {
    settings?: Partial<EventSourceMappingSettings>;
    stateTable?: string;
    endpoint?: string;
    functionTimeoutMs?: number;
    /** Adds middleware to the streams client, e.g. to inject a fault DynamoDB Local never produces. */
    onStreams?: (streams: DynamoDBStreamsClient) => void;
    logger?: Logger;
  } = {},
): Promise<TestPoller> {
  const dynamoEndpoint = options.endpoint ?? standIns().dynamoEndpoint;
  const stateTable = options.stateTable ?? `poller-${randomUUID()}`;
  const admin = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamoEndpoint });
  await PollerState.ensureTable(admin, stateTable);
  admin.destroy();
  const streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: dynamoEndpoint });
  options.onStreams?.(streams);
  const state = new PollerState(table.db, stateTable);
  const poller = new StreamPoller({
    streams,
    streamArn: table.streamArn,
    handler,
    settings: { ...orderProcessorMapping, ...options.settings },
    state,
    logger: options.logger ?? pino({ level: 'silent' }),
    ...(options.functionTimeoutMs ? { functionTimeoutMs: options.functionTimeoutMs } : {}),
    pollIntervalMs: 50,
    discoveryIntervalMs: 200,
    retryDelayMs: () => 20,
  });
  poller.start();
  return {
    poller,
    state,
    async stop() {
      await poller.stop();
      streams.destroy();
    },
  };
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000, what = 'condition', intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const storesOf = (table: TestTable) => ({
  orders: new OrderStore(table.db, table.tableName),
  products: new ProductStore(table.db, table.tableName),
});

/** A new order of one line, written to the table as the API writes it (PENDING, its stream record on the way). */
export async function storedOrder(table: TestTable, line: { sku: string; quantity: number; unitPrice: number }, customerId = 'c1'): Promise<Order> {
  const order = newOrder({ orderId: newOrderId(), customerId, items: [line], currency: 'EUR', now: new Date() });
  await storesOf(table).orders.create(order);
  return order;
}
