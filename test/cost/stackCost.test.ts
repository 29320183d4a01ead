import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stackConfig } from '../../scripts/graph/programs';
import type { CostReport } from '../../scripts/cost/bill';

/**
 * `npm run cost -- --stack <name>` on each stack's real graph (the Pulumi program under mocks): development stays
 * within its $50 budget, and every stack's line items are what its stack file asks for. The figures come from the
 * committed price table, so this is about the graph, not about live prices.
 */
const ROOT = path.resolve(__dirname, '../..');
const STACKS = ['development', 'stage', 'main'] as const;
// Where the fixed monthly cost of each stack is quoted ("Fixed monthly cost").
const COST_DOC = path.join(ROOT, 'docs/capacity.md');
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Result = CostReport & { notes: string[] };

const cost = (stack: string) =>
  new Promise<Result>((resolve, reject) =>
    execFile('npm', ['run', '--silent', 'cost', '--', '--stack', stack, '--json'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`npm run cost -- --stack ${stack}: ${stderr || err.message}`)) : resolve(JSON.parse(stdout) as Result),
    ),
  );

const results: Partial<Record<(typeof STACKS)[number], Result>> = {};
beforeAll(async () => {
  // One after another: parallel programs would starve the other jest worker on a small machine.
  for (const stack of STACKS) results[stack] = await cost(stack);
}, 180_000);

const count = (result: Result, item: string) => result.lines.find((l) => l.item.startsWith(item))?.count ?? 0;

it('prices development at $50 a month or less before traffic, without a NAT gateway', () => {
  const dev = results.development!;
  expect(dev.total).toBeLessThanOrEqual(50);
  expect(count(dev, 'NAT gateways')).toBe(0);
  expect(count(dev, 'Public IPv4: NAT')).toBe(0);
  // Its tasks pay for a public address each instead, which is far less.
  expect(count(dev, 'Public IPv4: API tasks')).toBe((stackConfig('development')['orders:api'] as Json).minCount);
  expect(dev.notes).toEqual([]);
});

describe.each(STACKS)('%s: the line items match the stack', (stack) => {
  it('NAT per the stack file, Fargate at its size and minimum, WAF and dashboard where configured, nothing unknown', () => {
    const result = results[stack]!;
    const config = stackConfig(stack);
    const api = config['orders:api'] as Json;
    // The Network component asks awsx for two AZs: OnePerAz is two gateways, each with an Elastic IP.
    const nat = { None: 0, Single: 1, OnePerAz: 2 }[config['orders:natGateways'] as 'None' | 'Single' | 'OnePerAz'];
    expect([count(result, 'NAT gateways'), count(result, 'Public IPv4: NAT')]).toEqual([nat, nat]);
    expect(count(result, 'Public IPv4: API tasks')).toBe(nat === 0 ? api.minCount : 0);
    expect(count(result, 'Public IPv4: load balancer')).toBe(2);
    const fargate = result.lines.find((l) => l.item.startsWith('Fargate'))!;
    expect([fargate.item, fargate.count]).toEqual([`Fargate tasks (${api.cpu / 1024} vCPU / ${api.memory / 1024} GB, ARM64), minimum count`, api.minCount]);
    expect([count(result, 'WAF web ACLs'), count(result, 'WAF rules')]).toEqual(config['orders:firewall'] ? [1, 1] : [0, 0]);
    expect(count(result, 'CloudWatch dashboards')).toBe(config['orders:dashboard'] === false ? 0 : 1);
    expect(count(result, 'CloudWatch alarm metrics (standard resolution)')).toBeGreaterThanOrEqual(7);
    // The alarm topic's key and the table's on every stack, the backup vault's where the stack backs up its table.
    const backup = config['orders:backup'] !== undefined;
    expect(backup).toBe(stack !== 'development');
    expect(count(result, 'KMS customer-managed keys')).toBe(backup ? 3 : 2);
    expect(result.usage.some((u) => u.startsWith('AWS Backup storage'))).toBe(backup);
    expect(result.unclassified).toEqual([]);
    expect(result.total).toBeCloseTo(
      result.lines.reduce((sum, l) => sum + l.count * l.unitMonthly, 0),
      6,
    );
    // stage and main still hold placeholders the program refuses: priced with stand-ins, and the output says so.
    expect(result.notes.length).toBe(stack === 'development' ? 0 : 1);
  });

  it('is the total docs/capacity.md quotes', () => {
    expect(readFileSync(COST_DOC, 'utf8')).toContain(`\`${stack}\` **$${results[stack]!.total.toFixed(2)}**`);
  });
});

it('is the sum of the three totals docs/capacity.md quotes', () => {
  // The sum of the totals as quoted (to the cent), so that a reader adding them up gets the same figure.
  const cents = STACKS.reduce((sum, stack) => sum + Math.round(results[stack]!.total * 100), 0);
  expect(readFileSync(COST_DOC, 'utf8')).toContain(`($${(cents / 100).toFixed(2)} for the three)`);
});
