import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { bundle, processorBundle } from '../../build/bundles';

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

const env = {
  ...process.env,
  TABLE_NAME: 'orders-bench',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
  AWS_LAMBDA_FUNCTION_NAME: 'orders-processor',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

function initOnce(file: string): number {
  const probe = `const t = process.hrtime.bigint(); require(${JSON.stringify(file)}); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
  return Number(execFileSync(process.execPath, ['-e', probe], { env, encoding: 'utf8' }));
}

/**
 * Today's bundle, and optionally another (an earlier build) measured in the same run with the two alternating,
 * so machine drift falls on both alike.
 */
export function measureColdStart(runs = 7, other?: string): { current: ColdStart; other?: ColdStart } {
  const current = `${bundle(processorBundle)}/index.js`;
  const files = other ? [current, other] : [current];
  const samples = files.map(() => [] as number[]);
  for (let run = 0; run < runs; run++) files.forEach((file, i) => samples[i]!.push(initOnce(file)));
  const result = (file: string, initMs: number[]): ColdStart => ({ bundleBytes: statSync(file).size, initMs, medianInitMs: median(initMs) });
  return { current: result(current, samples[0]!), ...(other ? { other: result(other, samples[1]!) } : {}) };
}

if (require.main === module) {
  const { current, other } = measureColdStart(9, process.argv[2]);
  const line = (name: string, r: ColdStart) =>
    `${name}: bundle ${(r.bundleBytes / 1024).toFixed(0)} KiB; init median ${r.medianInitMs.toFixed(1)} ms over ${r.initMs.length} fresh processes (${r.initMs.map((m) => m.toFixed(0)).join(', ')})`;
  console.log(line('processor', current));
  if (other) {
    console.log(line(process.argv[2]!, other));
    console.log(`ratio today ÷ other: size ${(current.bundleBytes / other.bundleBytes).toFixed(2)}, init ${(current.medianInitMs / other.medianInitMs).toFixed(2)}`);
  }
}
