import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { REPO_ROOT, processorBundle, serviceBundle } from '../build/bundles';

/** `npm run build`: type-check everything, then bundle the API (dist/service) and the Lambda (dist/processor). */
async function main() {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', '.'], { cwd: REPO_ROOT, stdio: 'inherit' });
  await build({ ...serviceBundle, logLevel: 'info' });
  await build({ ...processorBundle, logLevel: 'info' });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
