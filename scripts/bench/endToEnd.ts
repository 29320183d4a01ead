import autocannon from 'autocannon';
import { OrderStore } from '../../core/store/orders';
import { localProcessor } from '../../local/processor';
import { percentile } from '../../loadtest/lib/stats';
import { readLoadConfig } from '../../loadtest/local/loadConfig';
import { startApiProcess } from './apiProcess';
import { POLL_INTERVAL_MS, RUNS, SECONDS, log, median, newTable, sleep, startPoller, type Env } from './support';

/** The local thresholds of loadtest/scenarios.json: end to end at the `orders` scenario's rate is judged by them. */
const LOAD = readLoadConfig();

export async function endToEnd(env: Env) {
  const RATE = LOAD.scenarios.orders!.rate;
  const threshold = LOAD.thresholds.local!.e2eP95Ms;
  const runs: Array<{ p50: number; p95: number; p99: number; orders: number; p50OverPollInterval: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    const table = await newTable(env);
    const poller = await startPoller(env, table, localProcessor({ db: table.db, tableName: table.name, logLevel: 'SILENT' }));
    const api = await startApiProcess(env, table.name);
    const created: string[] = [];
    // Spread over the table's products, as the k6 scenarios spread over their three: one product for every order
    // would measure a hot item's conflicts (the flash-sale row does that), not the pipeline's latency.
    let sent = 0;
    const nextBody = () => JSON.stringify({ items: [{ sku: table.skus[sent++ % table.skus.length], quantity: 1 }] });
    await autocannon({
      url: api.url,
      connections: 10,
      overallRate: RATE,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          path: '/v1/orders',
          headers: { Authorization: `Bearer ${env.loadTestToken}`, 'Content-Type': 'application/json' },
          setupRequest: (request) => ({ ...request, body: nextBody() }),
          onResponse: (status: number, body: string) => {
            if (status === 202) created.push((JSON.parse(body) as { orderId: string }).orderId);
          },
        },
      ],
    });
    const orders = new OrderStore(table.db, table.name);
    const latencies: number[] = [];
    for (const id of created) {
      for (;;) {
        const order = (await orders.get(id))!;
        const decided = order.history.find((h) => h.status !== 'PENDING');
        if (decided) {
          latencies.push(Date.parse(decided.at) - Date.parse(order.createdAt));
          break;
        }
        await sleep(50);
      }
    }
    await api.stop();
    await poller.stop();
    table.db.destroy();
    const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(latencies, p)) as [number, number, number];
    runs.push({ p50, p95, p99, orders: latencies.length, p50OverPollInterval: p50 / POLL_INTERVAL_MS });
    log(`end-to-end run ${i + 1}: p50 ${p50} ms, p95 ${p95} ms, p99 ${p99} ms over ${latencies.length} orders at ${RATE}/s`);
  }
  return {
    arrivalRatePerSecond: RATE,
    e2eP95ThresholdMs: threshold,
    pollIntervalMs: POLL_INTERVAL_MS,
    medianP50: median(runs.map((r) => r.p50)),
    medianP95: median(runs.map((r) => r.p95)),
    medianP99: median(runs.map((r) => r.p99)),
    medianP50OverPollInterval: median(runs.map((r) => r.p50OverPollInterval)),
    runs,
  };
}
