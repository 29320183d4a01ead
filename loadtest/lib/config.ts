/**
 * Pure helpers shared by the k6 script and the Node runner: no k6 and no Node imports, so both can load them
 * (k6 bundles TypeScript itself) and jest can test them.
 */
import type { Tolerances } from './baseline.ts';
import { FLASH_SALE, LOADTEST_PRODUCTS } from './catalog.ts';
import type { PipelineThresholds } from './pipeline.ts';

/** `flash`: one unit of the flash-sale product (catalog.ts), the many-orders-for-one-SKU case. */
export type Operation = 'create' | 'flash' | 'get' | 'list';

export interface Stage {
  target: number;
  duration: string;
}

export interface ScenarioDefinition {
  description: string;
  executor: 'constant-arrival-rate' | 'ramping-arrival-rate';
  mix: Partial<Record<Operation, number>>;
  /** Requests per second (the start rate for a ramp). */
  rate: number;
  duration?: string;
  stages?: Stage[];
  preAllocatedVUs: number;
  maxVUs: number;
}

export interface Thresholds extends PipelineThresholds {
  httpReqFailedRate: number;
  p95Ms: number;
  p99Ms: number;
  /** Accepted → CONFIRMED/REJECTED, from the order's own timestamps. */
  e2eP95Ms: number;
  e2eP99Ms: number;
  /** Past this failure rate the run is hopeless: k6 aborts it (abortOnFail). */
  abortFailedRate: number;
}

export interface LoadConfig {
  /** Stack → the k6 scenario of its post-deploy gate; stacks without one get no synthetic load. */
  gates: Record<string, string>;
  scenarios: Record<string, ScenarioDefinition>;
  thresholds: Record<string, Thresholds>;
  /** How much worse than the last green run each figure may get. */
  regression: Tolerances;
}

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: '${text}' (use 500ms, 30s, 1m, 1h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

/** The scenario as a list of constant-rate steps (a ramp becomes its stages' mean rates). */
export function rateSteps(scenario: ScenarioDefinition): Array<{ rate: number; durationMs: number }> {
  if (scenario.executor === 'constant-arrival-rate') return [{ rate: scenario.rate, durationMs: parseDuration(scenario.duration ?? '0s') }];
  let from = scenario.rate;
  return (scenario.stages ?? []).map((stage) => {
    const step = { rate: Math.max(1, Math.round((from + stage.target) / 2)), durationMs: parseDuration(stage.duration) };
    from = stage.target;
    return step;
  });
}

export const totalDurationMs = (scenario: ScenarioDefinition): number => rateSteps(scenario).reduce((sum, s) => sum + s.durationMs, 0);

/** How many requests the scenario sends in all (its arrival rate over its duration). */
export const expectedRequests = (scenario: ScenarioDefinition): number =>
  Math.round(rateSteps(scenario).reduce((sum, s) => sum + (s.rate * s.durationMs) / 1000, 0));

/** k6 `options.thresholds` for a stack: the same numbers the Node runner applies. */
export function k6Thresholds(t: Thresholds) {
  return {
    http_req_failed: [`rate<${t.httpReqFailedRate}`, { threshold: `rate<${t.abortFailedRate}`, abortOnFail: true, delayAbortEval: '10s' }],
    http_req_duration: [`p(95)<${t.p95Ms}`, `p(99)<${t.p99Ms}`],
    order_e2e_latency: [`p(95)<${t.e2eP95Ms}`, `p(99)<${t.e2eP99Ms}`],
    // Every followed order adds a sample (decided in time or not), so a stuck pipeline fails: never "no data".
    order_decided: [`rate>=${t.decidedRate}`],
    decision_throughput_ratio: [`value>=${t.throughputRatio}`],
    orders_undecided_after_drain: ['count<1'],
  };
}

/** k6 `options.scenarios` entry for one scenario. */
export function k6Scenario(s: ScenarioDefinition) {
  const common = { exec: 'traffic', timeUnit: '1s', preAllocatedVUs: s.preAllocatedVUs, maxVUs: s.maxVUs };
  return s.executor === 'constant-arrival-rate'
    ? { ...common, executor: s.executor, rate: s.rate, duration: s.duration }
    : { ...common, executor: s.executor, startRate: s.rate, stages: s.stages };
}

export function k6Options(config: LoadConfig, scenarioName: string, stack: string) {
  const scenario = config.scenarios[scenarioName];
  if (!scenario) throw new Error(`unknown scenario '${scenarioName}' (have: ${Object.keys(config.scenarios).join(', ')})`);
  const thresholds = config.thresholds[stack];
  if (!thresholds) throw new Error(`no thresholds for stack '${stack}' (have: ${Object.keys(config.thresholds).join(', ')})`);
  return {
    scenarios: { [scenarioName]: k6Scenario(scenario) },
    // A flash sale must end with exactly the units the orders could take gone: no overselling, no order
    // rejected while stock was left.
    thresholds: { ...k6Thresholds(thresholds), ...(isFlashSale(scenario) ? { flash_sale_stock_mismatch: ['count<1'] } : {}) },
    summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max'],
  };
}

/** Picks an operation for a request from the scenario's mix, given u in [0, 1). */
export function pickOperation(mix: Partial<Record<Operation, number>>, u: number): Operation {
  const entries = (Object.entries(mix) as Array<[Operation, number]>).filter(([, w]) => w > 0);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let point = u * total;
  for (const [operation, weight] of entries) {
    if (point < weight) return operation;
    point -= weight;
  }
  return entries[entries.length - 1]![0];
}

/** A one-unit order of one of the gate's own products (loadtest/lib/catalog.ts), chosen by u in [0, 1). */
export function orderBody(u: number): string {
  const sku = LOADTEST_PRODUCTS[Math.min(LOADTEST_PRODUCTS.length - 1, Math.floor(u * LOADTEST_PRODUCTS.length))]!.sku;
  return JSON.stringify({ items: [{ sku, quantity: 1 }] });
}

/** One unit of the flash-sale product. */
export const flashSaleOrderBody = (): string => JSON.stringify({ items: [{ sku: FLASH_SALE.product.sku, quantity: 1 }] });

/** The body of a create-like operation: a spread order, or one unit of the flash sale. */
export const createBody = (operation: 'create' | 'flash', u: number): string => (operation === 'flash' ? flashSaleOrderBody() : orderBody(u));

/** Does the scenario sell the flash-sale product (and so needs the sale armed, and its stock checked)? */
export const isFlashSale = (scenario: ScenarioDefinition): boolean => (scenario.mix.flash ?? 0) > 0;

/**
 * What the flash-sale product's stock must be after a run: every flash order asks for one unit, so it sells
 * out when there are more orders than units, and only a real shortage may reject an order.
 */
export const expectedFlashStock = (stockBefore: number, flashOrders: number): number => Math.max(0, stockBefore - flashOrders);

export interface OrderTimes {
  createdAt: string;
  status: string;
  history: Array<{ status: string; at: string }>;
}

/** Accepted → decided, in ms, from the order's own history; undefined while it is still PENDING. */
export function endToEndMs(order: OrderTimes): number | undefined {
  const decided = order.history.find((h) => h.status === 'CONFIRMED' || h.status === 'REJECTED');
  return decided ? Date.parse(decided.at) - Date.parse(order.createdAt) : undefined;
}

/** The scenario a stack's post-deploy gate runs, or undefined for a stack that must not get synthetic load. */
export function gateScenario(config: LoadConfig, stack: string): string | undefined {
  const scenario = Object.prototype.hasOwnProperty.call(config.gates, stack) && !stack.startsWith('$') ? config.gates[stack] : undefined;
  if (scenario !== undefined && !config.scenarios[scenario]) throw new Error(`gates.${stack} names unknown scenario '${scenario}'`);
  return scenario;
}
