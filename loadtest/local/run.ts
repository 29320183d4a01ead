/**
 * `npm run loadtest`: a k6 scenario of loadtest/scenarios.json run from Node against a stack, judged as the gate
 * judges k6's run. The target (target.ts) is the stack: named by API_URL, the one `npm start` runs, or a fresh one;
 * the traffic (traffic.ts) is the scenario sent to it and the drain after; the verdict (verdict.ts) judges, writes
 * the reports and keeps a passing run as the baseline. Exits 1 when the run fails or cannot start.
 */
import { FLASH_SALE } from '../lib/catalog';
import { parseArgs, planRun } from './args';
import { readLoadConfig } from './loadConfig';
import { targetStack } from './target';
import { awaitDecisions, bearer, seedOrders, sendScenario } from './traffic';
import { judge, printVerdict, writeReports } from './verdict';

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const config = readLoadConfig();
  const args = parseArgs(process.argv.slice(2), process.env, config);
  const { scenario, thresholds, flashSale } = planRun(args, config);
  const target = await targetStack(args.url, process.env, flashSale);
  try {
    const auth = bearer(target.token);
    const seeded = await seedOrders(target.url, auth);
    // The count, not the availability a customer sees: the target reads it as only an admin or the table can.
    const flashStock = () => target.stockOf(FLASH_SALE.product.sku);
    const flashStockBefore = flashSale !== undefined ? await flashStock() : undefined;
    if (flashSale !== undefined && !flashStockBefore)
      throw new Error(`the flash sale is not armed (${FLASH_SALE.product.sku} has no stock): npm run stack:bootstrap -- --flash-sale`);

    const capacityBefore = target.capacity();
    const traffic = await sendScenario(target.url, auth, args.scenario, scenario, seeded);
    await awaitDecisions(target.url, auth, traffic.created, thresholds.drainAllowanceMs);
    const capacityAfter = target.capacity();
    const flashSaleResult =
      flashStockBefore === undefined
        ? undefined
        : { sku: FLASH_SALE.product.sku, stockBefore: flashStockBefore, orders: traffic.flashOrders, stockAfter: (await flashStock()) ?? -1 };

    const verdict = judge({
      args,
      url: target.url,
      traffic,
      thresholds,
      regression: config.regression,
      capacity: { before: capacityBefore, after: capacityAfter },
      flashSale: flashSaleResult,
    });
    const base = writeReports(args.out, verdict, traffic);
    printVerdict(verdict, args.pricesRegion, base);
    process.exitCode = verdict.report.passed ? 0 : 1;
  } finally {
    await target.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
