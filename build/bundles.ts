/**
 * The two deployables' esbuild settings and content address, shared by `npm run build`, the image stages, the
 * release scripts and the Pulumi program. Here, not in scripts/, because infra/ must not import scripts/.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync, type BuildOptions } from 'esbuild';

/** The repository's root: the bundles' entries and outputs are named from it. */
export const REPO_ROOT = path.resolve(__dirname, '..');

/**
 * The API container's entry; node_modules stay external because the image runs `npm ci --omit=dev`. The
 * Dockerfile copies this bundle (it does not bundle again), so this is the one definition. node20 is the oldest
 * runtime we support: the same bundle runs in the node:22 image and under the rehearsal on Node 20.
 */
export const serviceBundle: BuildOptions = {
  entryPoints: [path.join(REPO_ROOT, 'service/src/main.ts')],
  outfile: path.join(REPO_ROOT, 'dist/service/main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
};

/** The Lambda handler, self-contained (AWS SDK and Powertools included) for nodejs22.x on arm64. */
export const processorBundle: BuildOptions = {
  entryPoints: [path.join(REPO_ROOT, 'processor/src/index.ts')],
  outfile: path.join(REPO_ROOT, 'dist/processor/index.js'),
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourcemap: true,
};

/** Bundles one deployable synchronously (infra/ calls this while the Pulumi program runs); returns its folder. */
export function bundle(options: BuildOptions): string {
  buildSync({ ...options, logLevel: 'warning' });
  return path.dirname(options.outfile!);
}

/** Where `npm run build` leaves the Lambda's bundle, which infra/ deploys when its digest is the release's. */
export const PROCESSOR_BUNDLE_DIR = path.dirname(processorBundle.outfile!);

/**
 * A bundle folder's content address: sha256 over every file's relative path and bytes, in name order. The same
 * files give the same digest wherever they are unpacked (a zip's own hash would also cover timestamps).
 */
export function bundleDigest(dir: string): string {
  const hash = createHash('sha256');
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(dir, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}
