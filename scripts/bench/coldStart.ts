import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { bundle, processorBundle } from '../bundles';

/**
 * The processor's cold-start cost as far as it can be measured off AWS: the bundle's size (Lambda downloads and
 * parses it) and the time `require` takes to load and initialise it in a fresh Node process (the init phase,
 * without Lambda's own runtime start). Median of `runs` fresh processes.
 */
export interface ColdStart {
  bundleBytes: number;
  initMs: number[];
  medianInitMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export function measureColdStart(runs = 7): ColdStart {
  const outDir = bundle(processorBundle);
  const file = `${outDir}/index.js`;
  const probe = `const t = process.hrtime.bigint(); require(${JSON.stringify(file)}); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
  const env = { ...process.env, TABLE_NAME: 'orders-bench', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_LAMBDA_FUNCTION_NAME: 'orders-processor' };
  const initMs = Array.from({ length: runs }, () => Number(execFileSync(process.execPath, ['-e', probe], { env, encoding: 'utf8' })));
  return { bundleBytes: statSync(file).size, initMs, medianInitMs: median(initMs) };
}

if (require.main === module) {
  const result = measureColdStart();
  console.log(`processor bundle ${(result.bundleBytes / 1024).toFixed(0)} KiB; init median ${result.medianInitMs.toFixed(1)} ms over ${result.initMs.length} fresh processes (${result.initMs.map((m) => m.toFixed(0)).join(', ')})`);
}
