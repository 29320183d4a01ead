import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FLASH_SALE } from '../../loadtest/lib/catalog';
import { freePort } from '../../local/process';
import { npmRun } from '../support/processes';
import { takeLoadTurn } from '../support/loadTurns';
import { scratchDir } from '../support/scratch';

takeLoadTurn();

const out = scratchDir('flash');

/**
 * The `flash-sale` scenario through `npm run loadtest`, as a user runs it with no stack up: the runner starts
 * one, arms the sale (the flash-sale product at its starting stock), sends one-unit orders for it, and checks
 * that the stock sold out exactly. Shortened to 3 s, with 25 units (few enough that a runner slowed by a busy machine still sends more orders) (`--flash-stock`), so more orders than units
 * however slowly this machine sends them.
 */
it('sells out the flash-sale product exactly and decides every order', async () => {
  const port = await freePort();
  const run = await npmRun(
    'loadtest',
    ['--scenario', 'flash-sale', '--duration', '3s', '--thresholds', 'rehearsal', '--flash-stock', '25', '--out', out],
    { PORT: String(port) },
    150_000,
  );
  const file = readdirSync(out).find((f) => f.startsWith('flash-sale-') && f.endsWith('.json'));
  if (!file) throw new Error(run.output);
  const report = JSON.parse(readFileSync(path.join(out, file), 'utf8')) as {
    failed: number;
    undecided: string[];
    flashSale: { sku: string; stockBefore: number; orders: number; stockAfter: number };
    thresholds: Array<{ metric: string; ok: boolean; value: number }>;
  };
  expect(report.flashSale).toMatchObject({ sku: FLASH_SALE.product.sku, stockBefore: 25 });
  expect(report.flashSale.orders).toBeGreaterThan(25);
  expect(report.flashSale.stockAfter).toBe(0);
  expect(report.thresholds.find((t) => t.metric === 'flash_sale_stock_mismatch')).toMatchObject({ ok: true, value: 0 });
  expect([report.failed, report.undecided]).toEqual([0, []]);
  expect(run.output).toContain(`flash sale: ${report.flashSale.orders} orders for 25 units of ${FLASH_SALE.product.sku}, 0 left`);
}, 180_000);
