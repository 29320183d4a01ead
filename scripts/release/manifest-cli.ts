import { existsSync, readFileSync } from 'node:fs';
import { bundleDigest, PROCESSOR_BUNDLE_DIR, REPO_ROOT } from '../../build/bundles';
import { flag, requireFlag, run } from '../pipeline/cli';
import { parseRelease, releaseOutputs, writeRelease, writeStepOutputs } from './manifest';
import { sourceOf } from './source';

/**
 * `npm run release:manifest -- --image <repository>@sha256:<digest> --out release.json`, after `npm run build` and
 * the image's push (docker/build-push-action's digest): the manifest of this build, and its artifacts as step
 * outputs. The bundle is named by its content digest, read from dist/processor as the build left it.
 */

/**
 * A pull request's preview (`--preview-of <pulumi stack output --json> --repository <uri>`): no image is built for
 * it (pull requests get no push credentials), so it previews with the image the stack runs, or, on a stack never
 * deployed, a placeholder digest in the shared repository. Such a manifest names no run: nothing promotes it.
 */
function previewImage(outputsFile: string, repository: string): string {
  let running: unknown;
  try {
    running = (JSON.parse(readFileSync(outputsFile, 'utf8')) as { apiImage?: unknown }).apiImage;
  } catch {
    running = undefined; // no stack yet, or no outputs: `pulumi stack output` failed
  }
  if (typeof running === 'string') return running;
  console.error(`${outputsFile} names no running image: previewing with a placeholder digest in ${repository}`);
  return `${repository}@sha256:${'0'.repeat(64)}`;
}

run(async () => {
  const argv = process.argv.slice(2);
  if (!existsSync(PROCESSOR_BUNDLE_DIR)) throw new Error('no processor bundle in dist/processor: run `npm run build` first');
  const previewOf = flag(argv, 'preview-of');
  const runId = previewOf ? undefined : (flag(argv, 'run-id') ?? process.env.GITHUB_RUN_ID);
  const image = previewOf ? previewImage(previewOf, requireFlag(argv, 'repository')) : requireFlag(argv, 'image');
  const release = parseRelease(
    { source: sourceOf(REPO_ROOT), apiImage: image, processorBundle: bundleDigest(PROCESSOR_BUNDLE_DIR), ...(runId ? { builtByRun: runId } : {}) },
    '--image',
  );
  writeRelease(requireFlag(argv, 'out'), release);
  writeStepOutputs({ ...releaseOutputs(release), found: 'true' });
  console.error(`release of tree ${release.source.tree}: ${release.apiImage}, processor bundle ${release.processorBundle}`);
});
