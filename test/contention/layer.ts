import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../core/store/client';
import { LOCAL_AWS } from '../../local/dynamodb';
import { startContentionProxy, type ContentionProxy, type ContentionProxyOptions } from '../../local/contention/proxy';
import { createTestTable, type TestTable } from '../support/env';

/**
 * A contention layer of a test's own in front of the DynamoDB Local that globalSetup started (its own settings: a
 * clock the test moves, a transaction held in flight on purpose). The table a test made through the default layer
 * is the same table here: both talk to one DynamoDB Local.
 */
export interface TestLayer {
  proxy: ContentionProxy;
  /** The product's document client (core/store/client.ts: maxAttempts 3), pointed at this layer. */
  db: DynamoDBDocumentClient;
  /** A client that does not retry, to see each answer as it came. */
  once: DynamoDBDocumentClient;
  /** Holds the next TransactWriteItems in flight (its items taken) until `release` is called. */
  holdNextTransaction(): { entered: Promise<void>; release(): void };
  /**
   * Writes `items` in one transaction and holds it in flight, its items taken, until `release`; resolves once it
   * holds them. `release` lets it commit and waits for its answer.
   */
  holdTransaction(items: TransactItems): Promise<{ release(): Promise<void> }>;
  close(): Promise<void>;
}

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

export type TestLayerOptions = Omit<ContentionProxyOptions, 'upstream' | 'beforeForward'>;

export async function startTestLayer(options: TestLayerOptions = {}): Promise<TestLayer> {
  const upstream = process.env.TEST_DYNAMODB_UPSTREAM;
  if (!upstream) throw new Error('stand-ins not started: run through jest (globalSetup)');
  let hold: (() => Promise<void>) | undefined;
  const proxy = await startContentionProxy({
    ...options,
    upstream,
    beforeForward: async () => {
      const held = hold;
      hold = undefined;
      await held?.();
    },
  });
  function holdNextTransaction() {
    let entered!: () => void;
    let release!: () => void;
    const enteredP = new Promise<void>((resolve) => (entered = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    hold = async () => {
      entered();
      await released;
    };
    return { entered: enteredP, release };
  }
  const db = documentClient({ ...LOCAL_AWS, endpoint: proxy.endpoint });
  const once = DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_AWS, endpoint: proxy.endpoint, maxAttempts: 1 }));
  return {
    proxy,
    db,
    once,
    holdNextTransaction,
    async holdTransaction(items) {
      const held = holdNextTransaction();
      const transaction = db.send(new TransactWriteCommand({ TransactItems: items }));
      await held.entered;
      return {
        release: async () => {
          held.release();
          await transaction;
        },
      };
    },
    async close() {
      db.destroy();
      once.destroy();
      await proxy.close();
    },
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.now()) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

/**
 * A file's empty table of its own and a layer in front of it, made before its tests and removed after them. The
 * fields are set in `beforeAll`: read them inside tests and hooks.
 */
export function tableBehindLayer(options: TestLayerOptions = {}): { table: TestTable; layer: TestLayer } {
  const made = {} as { table: TestTable; layer: TestLayer };
  beforeAll(async () => {
    made.table = await createTestTable({ seed: false });
    made.layer = await startTestLayer(options);
  });
  afterAll(async () => {
    await made.layer?.close();
    await made.table?.drop();
  });
  return made;
}

/** The error a request failed with, or undefined when it succeeded. */
export const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err as Record<string, unknown> & Error,
  );
