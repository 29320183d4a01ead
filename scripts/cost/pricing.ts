/**
 * The fixed monthly cost of a stack's resources, from its graph (the Pulumi program under mocks) and the price table
 * in prices.json: one line per priced item, `count × unit price a month`. Pure: resources in, line items out.
 * Traffic-driven charges are listed as usage, never guessed. Every resource type the program uses is classified
 * in classification.ts (priced by a rule in rules/, usage-priced or free); a type that is none of these is
 * reported, so a new resource cannot go unpriced silently.
 */
import { Bill, type CostReport } from './bill';
import { classify } from './classification';
import type { PriceTable } from './priceTable';
import type { CostResource } from './resources';
import { priceBackup } from './rules/backup';
import { priceContainerInsights, priceFargate } from './rules/compute';
import { priceAlarms, priceDashboards } from './rules/monitoring';
import { priceLoadBalancers, priceNetwork } from './rules/network';
import { priceKeysSecretsAndWaf, priceUserPools } from './rules/security';

/** Prices a stack's resources: the fixed monthly line items, the usage-priced charges, and anything unknown. */
export function priceResources(resources: readonly CostResource[], table: PriceTable): CostReport {
  const bill = new Bill(table);
  // The report lists its lines in the order the rules add them.
  const { azs } = priceNetwork(resources, bill);
  priceLoadBalancers(resources, bill, azs);
  priceFargate(resources, bill);
  priceContainerInsights(resources, bill);
  priceAlarms(resources, bill);
  priceDashboards(resources, bill);
  priceKeysSecretsAndWaf(resources, bill);
  priceUserPools(resources, bill);
  priceBackup(resources, bill);
  classify(resources, bill);
  return bill.report();
}
