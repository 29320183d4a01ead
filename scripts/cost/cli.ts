import { parseArgs } from 'node:util';
import { stackConfig } from '../graph/programs';
import { runStackInProcess } from '../graph/runStackInProcess';
import type { CostReport } from './bill';
import { formatReport } from './format';
import type { PriceTable } from './priceTable';
import { priceResources } from './pricing';
import prices from './prices.json';

/**
 * `npm run cost -- --stack <name> [--json]`: the stack's fixed monthly cost, priced from its graph (the Pulumi
 * program under mocks, scripts/graph) with the list prices in scripts/cost/prices.json.
 */
export const PRICE_TABLE = prices as unknown as PriceTable;

/**
 * Neutral values for the settings infra/config.ts refuses while they hold a stack file's placeholders (the alarm
 * subscribers and the domain): the same entries in the same form, so the graph has the shape the stack file gives
 * it. What they name changes no price: an ACM public certificate and alias records cost nothing a month, and a
 * subscription is usage-priced.
 */
export function standIns(stack: string, config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const notify = config['orders:alarmNotifications'] as { emails?: string[]; httpsEndpoints?: string[] } | undefined;
  if (notify) {
    out['orders:alarmNotifications'] = {
      emails: (notify.emails ?? []).map((_, i) => `cost-estimate-${i}@orders-${stack}.internal`),
      httpsEndpoints: (notify.httpsEndpoints ?? []).map((_, i) => `https://orders-${stack}.internal/cost-estimate-${i}`),
    };
  }
  const domain = config['orders:domain'] as Record<string, string> | undefined;
  if (domain) {
    out['orders:domain'] = {
      hostname: `orders-${stack}.cost-estimate.internal`,
      ...('certificateArn' in domain ? { certificateArn: 'arn:aws:acm:eu-west-1:000000000000:certificate/cost-estimate' } : { hostedZoneId: 'Z0COSTESTIMATE' }),
    };
  }
  return out;
}

/** The stack's graph; when the program refuses the stack file's placeholders, the graph with stand-ins for them. */
export async function stackGraph(stack: string): Promise<{ resources: Awaited<ReturnType<typeof runStackInProcess>>['resources']; notes: string[] }> {
  try {
    return { resources: (await runStackInProcess(stack)).resources, notes: [] };
  } catch (err) {
    if (!/is a placeholder/.test((err as Error).message)) throw err;
    const overrides = standIns(stack, stackConfig(stack));
    const { resources } = await runStackInProcess(stack, { overrides });
    return {
      resources,
      notes: [
        `Pulumi.${stack}.yaml still holds placeholders, which the program refuses: priced with neutral stand-ins for ${Object.keys(overrides).join(', ')} (same entries; what they name changes no price)`,
      ],
    };
  }
}

export async function stackCost(stack: string): Promise<{ report: CostReport; notes: string[] }> {
  const { resources, notes } = await stackGraph(stack);
  return { report: priceResources(resources, PRICE_TABLE), notes };
}

if (require.main === module) {
  const { values } = parseArgs({ options: { stack: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (!values.stack) {
    console.error('usage: npm run cost -- --stack <development|stage|main> [--json]');
    process.exit(2);
  }
  const stack = values.stack;
  stackCost(stack)
    .then(({ report, notes }) => {
      console.log(values.json ? JSON.stringify({ stack, ...report, notes }, null, 2) : formatReport(stack, report, PRICE_TABLE, notes));
      if (report.unclassified.length > 0) process.exitCode = 1;
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
