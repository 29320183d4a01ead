import path from 'node:path';
import { FLASH_SALE } from '../lib/catalog';
import { isFlashSale, type LoadConfig, type ScenarioDefinition, type Thresholds } from '../lib/config';

const ROOT = path.resolve(__dirname, '../..');

/** What `npm run loadtest` was asked to do. */
export interface Args {
  scenario: string;
  stack: string;
  url?: string;
  out: string;
  /** Shortens a constant-arrival-rate scenario (same rate and mix), e.g. for a rehearsal. */
  duration?: string;
  /** Judge by another entry of `thresholds` than the stack's own (`--thresholds rehearsal`). */
  thresholds: string;
  /** The baseline to compare with (default loadtest/results/baseline-<stack>-<scenario>.json). */
  baseline?: string;
  /** Whose prices the cost figure uses (loadtest/prices.json). */
  pricesRegion: string;
  /** Units a flash sale starts with on a local stack (default FLASH_SALE.stock). */
  flashStock: number;
}

/**
 * Flags, or k6's environment (STACK, SCENARIO, API_URL, …): with API_URL set, the runner targets that stack
 * and signs in exactly as k6's setup() does, so a gate can be rehearsed on a stack shaped like a deployed one.
 */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv, config: LoadConfig): Args {
  const value = (flag: string) => {
    const i = argv.lastIndexOf(flag); // a later flag overrides an earlier one
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const scenario = value('--scenario') ?? env.SCENARIO ?? 'smoke';
  if (!config.scenarios[scenario]) throw new Error(`unknown scenario '${scenario}'; have: ${Object.keys(config.scenarios).join(', ')}`);
  const duration = value('--duration');
  const stack = value('--stack') ?? env.STACK ?? 'local';
  return {
    scenario,
    stack,
    thresholds: value('--thresholds') ?? stack,
    pricesRegion: value('--prices') ?? env.AWS_REGION ?? 'eu-west-1',
    flashStock: Number(value('--flash-stock') ?? FLASH_SALE.stock),
    ...(value('--baseline') ? { baseline: value('--baseline')! } : {}),
    url: value('--url') ?? env.API_URL,
    out: value('--out') ?? path.join(ROOT, 'loadtest/results'),
    ...(duration ? { duration } : {}),
  };
}

/** The scenario, shortened by --duration where asked. */
function withDuration(scenario: ScenarioDefinition, duration: string | undefined): ScenarioDefinition {
  if (!duration) return scenario;
  if (scenario.executor !== 'constant-arrival-rate') throw new Error('--duration applies to constant-arrival-rate scenarios only');
  return { ...scenario, duration };
}

/** The run the flags describe, checked before any stack is touched. */
export interface RunPlan {
  scenario: ScenarioDefinition;
  thresholds: Thresholds;
  /** The units to arm a local flash sale with; undefined: not a flash sale. */
  flashSale: number | undefined;
}

export function planRun(args: Args, config: LoadConfig): RunPlan {
  const scenario = withDuration(config.scenarios[args.scenario]!, args.duration);
  const thresholds = config.thresholds[args.thresholds];
  if (!thresholds) throw new Error(`no thresholds named '${args.thresholds}' in loadtest/scenarios.json`);
  const flashSale = isFlashSale(scenario);
  if (!Number.isInteger(args.flashStock) || args.flashStock < 1) throw new Error('--flash-stock must be a whole number of units, at least 1');
  return { scenario, thresholds, flashSale: flashSale ? args.flashStock : undefined };
}
