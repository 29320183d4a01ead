import type { CostReport } from './bill';
import type { PriceTable } from './priceTable';

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The report as the CLI prints it. */
export function formatReport(stack: string, report: CostReport, table: PriceTable, notes: string[] = []): string {
  const width = Math.max(...report.lines.map((l) => l.item.length));
  const unconfirmed = [
    ...[...new Set(report.lines.flatMap((l) => l.prices))].filter((key) => !table.prices[key].confirmed),
    ...report.lines.flatMap((l) => (l.unconfirmedCount ? [l.unconfirmedCount] : [])),
  ];
  return [
    `Fixed monthly cost of ${stack} (${table.region}, ${table.hoursPerMonth} h a month, list prices from scripts/cost/prices.json)`,
    ...notes.map((n) => `  note: ${n}`),
    ...report.lines.map((l) => `  ${l.item.padEnd(width)}  ${String(l.count).padStart(3)} × ${usd(l.unitMonthly).padStart(7)} = ${usd(l.monthly).padStart(8)}`),
    `  ${'Total a month, before traffic'.padEnd(width)}  ${' '.repeat(15)}${usd(report.total).padStart(8)}`,
    `Usage-priced, not in the total: ${report.usage.join('; ')}.`,
    ...(unconfirmed.length > 0 ? [`Not confirmed for ${table.region} (see prices.json): ${unconfirmed.join(', ')}.`] : []),
    ...(report.unclassified.length > 0 ? [`NOT PRICED (unknown resource types): ${report.unclassified.join(', ')}.`] : []),
  ].join('\n');
}
