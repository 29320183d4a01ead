import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { UnitPrices } from '../lib/cost';

/** loadtest/prices.json for a region. */
export function unitPrices(region: string): UnitPrices {
  const all = JSON.parse(readFileSync(path.resolve(__dirname, '../prices.json'), 'utf8')) as Record<string, UnitPrices | string>;
  const prices = all[region];
  if (!prices || typeof prices === 'string') throw new Error(`no prices for ${region} in loadtest/prices.json`);
  return prices;
}
