import { DECISION_CONCURRENCY } from '../../core/eventSourceMapping';
import { StockContentionError } from '../../core/orders/errors';
import { stockReservations } from '../../core/orders/stockReservations';
import { orderToItem } from '../../core/tableItems';
import { OrderStore } from '../../core/store/orders';
import { DynamoStockLedger } from '../../core/store/stockLedger';
import { LOCAL_AWS, startDynamoDbLocal } from '../../local/dynamodb';
import { LocalMetrics, localProcessor } from '../../local/processor';
import { documentClient } from '../../core/store/client';
import { RUNS, log, median, newTable, orderFor, sleep, startPoller, writeItems, type BenchTable, type Env } from './support';

/**
 * How fast the processor drains a backlog: the same orders decided through stream → poller → handler with the
 * decisions in sequence (one at a time, the setting before issue #14) and in parallel (DECISION_CONCURRENCY),
 * and the same reservation transactions issued directly, one at a time and at that concurrency (what the store
 * itself allows). Once more with a round trip added to every DynamoDB call the processor makes, the AWS case
 * where the network, not the store, bounds a decision. Then a flash sale: every order for one product with a
 * quarter of the units.
 */
export const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 2000);
export const PRODUCTS = 50;
/**
 * The round trip added in the model run: an in-region TransactWriteItems (two-phase) typically takes 10–25 ms.
 * DynamoDB Local serialises transactions, so without it the store, not the handler, sets every local figure.
 */
export const ROUND_TRIP_MS = 20;

/** A document client whose every call waits `ms` first, as a call across a network would. */
function storeClient(env: Env, roundTripMs: number) {
  const db = documentClient({ ...LOCAL_AWS, endpoint: env.dynamoEndpoint });
  if (roundTripMs > 0) db.middlewareStack.add((next) => async (args) => (await sleep(roundTripMs), next(args)), { step: 'finalizeRequest', name: 'roundTrip' });
  return db;
}

type Order = ReturnType<typeof orderFor>;

/** The processor's reservation workflow on a table, wired as processor/src/processor.ts wires it. */
function reservationsOn(table: BenchTable) {
  const orders = new OrderStore(table.db, table.name);
  return stockReservations({ ledger: new DynamoStockLedger(table.db, table.name, orders), orders });
}

/**
 * Runs `measure` on a DynamoDB Local of its own, warmed by a few hundred reservations first: one JVM slows as
 * it serves side after side (even with their tables dropped), which would make a side's figure depend on its
 * place in the run.
 */
async function onFreshStore<T>(env: Env, measure: (env: Env) => Promise<T>): Promise<T> {
  const dynamo = await startDynamoDbLocal();
  try {
    const fresh = { ...env, dynamoEndpoint: dynamo.endpoint };
    const warm = await newTable(fresh, { products: 10 });
    const reservations = reservationsOn(warm);
    const orders = Array.from({ length: 300 }, (_, i) => orderFor(env.customer, new Date(), warm.skus[i % warm.skus.length]));
    await writeItems(warm.db, warm.name, orders.map(orderToItem));
    await reserveAll(reservations, orders, 8);
    await warm.drop();
    return await measure(fresh);
  } finally {
    await dynamo.stop();
  }
}

/** BACKLOG orders written to a fresh table before anything consumes them, spread over its products. */
async function backlog(env: Env, options: { products: number; stock?: number }): Promise<{ table: BenchTable; orders: Order[] }> {
  const table = await newTable(env, options);
  const orders = Array.from({ length: BACKLOG }, (_, i) => orderFor(env.customer, new Date(), table.skus[i % table.skus.length]));
  await writeItems(table.db, table.name, orders.map(orderToItem));
  return { table, orders };
}

const conflictsIn = (doc: Record<string, unknown>) => [doc.ReservationConflictsRetried ?? []].flat().reduce((n: number, v) => n + Number(v), 0);

/** Orders decided per second through the poller, from its first invocation; and conflicts the handler retried. */
async function drainThroughPoller(
  env: Env,
  options: { concurrency: number; products: number; stock?: number; roundTripMs?: number },
): Promise<{ perSecond: number; conflicts: number; deadLettered: number }> {
  const { table } = await backlog(env, options);
  let conflicts = 0;
  // By sequence number: with conflicts (the contention layer) records fail and come back, a success counts once.
  const decided = new Set<string>();
  let started = 0;
  const processorDb = storeClient(env, options.roundTripMs ?? 0);
  const handler = localProcessor({ db: processorDb, tableName: table.name, logLevel: 'SILENT', concurrency: options.concurrency, metrics: new LocalMetrics((doc) => (conflicts += conflictsIn(doc))) });
  const poller = await startPoller(env, table, async (event, context) => {
    started ||= Date.now();
    const response = await handler(event, context);
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    for (const record of event.Records) if (!failed.has(record.dynamodb?.SequenceNumber ?? '')) decided.add(record.dynamodb?.SequenceNumber ?? '');
    return response;
  });
  // A record whose retries ran out is dead-lettered, never decided: stop waiting for it.
  while (decided.size + poller.poller.stats.recordsDeadLettered < BACKLOG) await sleep(20);
  const perSecond = BACKLOG / ((Date.now() - started) / 1000);
  const deadLettered = poller.poller.stats.recordsDeadLettered;
  await poller.stop();
  processorDb.destroy();
  await table.drop();
  return { perSecond, conflicts, deadLettered };
}

/**
 * Reserves every order, `concurrency` at a time. An order still conflicting after the retries goes to the back of
 * the queue, as the event source mapping would deliver its record again (conflicts come from the contention layer).
 */
async function reserveAll(reservations: ReturnType<typeof reservationsOn>, queue: Order[], concurrency: number) {
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let order = queue.shift(); order; order = queue.shift()) {
        await reservations.reserveStock(order, new Date()).catch((err: unknown) => {
          if (!(err instanceof StockContentionError) || !order) throw err;
          queue.push(order);
        });
      }
    }),
  );
}

/** The processor's own store operation, one reservation transaction per order, `concurrency` at a time. */
async function rawReservations(env: Env, concurrency: number): Promise<number> {
  const { table, orders } = await backlog(env, { products: PRODUCTS });
  const reservations = reservationsOn(table);
  const started = Date.now();
  await reserveAll(reservations, [...orders], concurrency);
  await table.drop();
  return BACKLOG / ((Date.now() - started) / 1000);
}

export async function processing(env: Env) {
  const drained = (options: { concurrency: number; roundTripMs?: number }) => () =>
    onFreshStore(env, async (store) => (await drainThroughPoller(store, { ...options, products: PRODUCTS })).perSecond);
  const sides = {
    sequential: drained({ concurrency: 1 }),
    parallel: drained({ concurrency: DECISION_CONCURRENCY }),
    raw: () => onFreshStore(env, (store) => rawReservations(store, DECISION_CONCURRENCY)),
    rawSequential: () => onFreshStore(env, (store) => rawReservations(store, 1)),
    sequentialRoundTrip: drained({ concurrency: 1, roundTripMs: ROUND_TRIP_MS }),
    parallelRoundTrip: drained({ concurrency: DECISION_CONCURRENCY, roundTripMs: ROUND_TRIP_MS }),
  };
  const names = Object.keys(sides) as Array<keyof typeof sides>;
  const runs: Array<Record<keyof typeof sides, number> & { overSequential: number; overRaw: number; storeCeiling: number; overSequentialRoundTrip: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    // Each side on a fresh store; the order still rotates, so no side always runs first.
    const measured = {} as Record<keyof typeof sides, number>;
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length]!;
      measured[name] = await sides[name]();
    }
    runs.push({
      ...measured,
      overSequential: measured.parallel / measured.sequential,
      overRaw: measured.parallel / measured.raw,
      storeCeiling: measured.raw / measured.rawSequential,
      overSequentialRoundTrip: measured.parallelRoundTrip / measured.sequentialRoundTrip,
    });
    log(
      `processing run ${i + 1}: parallel ${measured.parallel.toFixed(0)}/s, sequential ${measured.sequential.toFixed(0)}/s; raw transactions ` +
        `${measured.raw.toFixed(0)}/s at ${DECISION_CONCURRENCY}, ${measured.rawSequential.toFixed(0)}/s one at a time; with ${ROUND_TRIP_MS} ms round trips ` +
        `parallel ${measured.parallelRoundTrip.toFixed(0)}/s, sequential ${measured.sequentialRoundTrip.toFixed(0)}/s`,
    );
  }
  const medianOf = (key: keyof (typeof runs)[number]) => median(runs.map((r) => r[key]));
  return {
    backlog: BACKLOG,
    products: PRODUCTS,
    concurrency: DECISION_CONCURRENCY,
    roundTripMs: ROUND_TRIP_MS,
    overSequential: { goal: '>= 3', median: medianOf('overSequential') },
    overRaw: { goal: '>= 0.8', median: medianOf('overRaw') },
    storeCeiling: { median: medianOf('storeCeiling') },
    overSequentialRoundTrip: { goal: '>= 3', median: medianOf('overSequentialRoundTrip') },
    runs,
  };
}

export async function flashSale(env: Env) {
  const units = Math.floor(BACKLOG / 4);
  const runs: Array<{ flashPerSecond: number; spreadPerSecond: number; ratio: number; conflicts: number; deadLettered: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    const flash = () => onFreshStore(env, (store) => drainThroughPoller(store, { concurrency: DECISION_CONCURRENCY, products: 1, stock: units }));
    const spread = () => onFreshStore(env, (store) => drainThroughPoller(store, { concurrency: DECISION_CONCURRENCY, products: PRODUCTS }));
    const [a, b] = i % 2 === 0 ? [await flash(), await spread()] : [undefined, await spread()];
    const flashRun = a ?? (await flash());
    const { conflicts, deadLettered } = flashRun;
    runs.push({ flashPerSecond: flashRun.perSecond, spreadPerSecond: b.perSecond, ratio: flashRun.perSecond / b.perSecond, conflicts, deadLettered });
    log(
      `flash sale run ${i + 1}: ${flashRun.perSecond.toFixed(0)}/s for one product vs ${b.perSecond.toFixed(0)}/s over ${PRODUCTS}; ` +
        `${conflicts} conflicts retried${deadLettered > 0 ? `, ${deadLettered} records dead-lettered` : ''}`,
    );
  }
  return { orders: BACKLOG, units, median: median(runs.map((r) => r.ratio)), medianPerSecond: median(runs.map((r) => r.flashPerSecond)), runs };
}
