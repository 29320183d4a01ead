// `npm run build`: type-check, then bundle the two deployables with esbuild.
//   dist/service/main.js   the API container's entry (node_modules stay external: the image runs `npm ci --omit=dev`)
//   dist/processor/index.js the Lambda handler, self-contained (infra/ zips this folder)
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';

execFileSync('npx', ['tsc', '--noEmit', '-p', '.'], { stdio: 'inherit' });

await build({
  entryPoints: ['service/src/main.ts'],
  outfile: 'dist/service/main.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'info',
});

await build({
  entryPoints: ['processor/src/index.ts'],
  outfile: 'dist/processor/index.js',
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  logLevel: 'info',
});
