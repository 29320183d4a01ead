import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Baseline } from '../lib/baseline';

/** Locally the last green run's baseline lives beside the reports: loadtest/results/baseline-<stack>-<scenario>.json. */
export const baselinePath = (dir: string, stack: string, scenario: string) => path.join(dir, `baseline-${stack}-${scenario}.json`);

export function readBaseline(file: string): Baseline | undefined {
  if (!existsSync(file)) return undefined;
  const baseline = JSON.parse(readFileSync(file, 'utf8')) as Baseline;
  if (typeof baseline.httpP95Ms !== 'number' || typeof baseline.scenario !== 'string') throw new Error(`${file} is not a baseline`);
  return baseline;
}

export function writeBaseline(file: string, baseline: Baseline): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`);
}
