import { existsSync } from 'node:fs';
import path from 'node:path';
import { bundleDigest, PROCESSOR_BUNDLE_DIR, REPO_ROOT } from '../build/bundles';
import type { ArtifactsConfig } from './config';

/**
 * The release's artifacts as the components take them. Nothing is built here: the image was pushed and the bundle
 * made once, before any stack's preview (README, "Build once, promote the digest"); the program only checks that
 * what it is about to deploy is what the release names.
 */

/** The ECR repository an image URI lives in, as the execution role's pull permission names it. */
export function repositoryArnOf(imageUri: string): string {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^@:]+)@sha256:[0-9a-f]{64}$/.exec(imageUri);
  if (!match) throw new Error(`not an ECR image pinned by digest: ${imageUri}`);
  const [, account, region, repository] = match;
  return `arn:aws:ecr:${region}:${account}:repository/${repository}`;
}

/**
 * The folder holding the processor bundle whose content digest the release names; refuses any other bundle, so a
 * stack never deploys a Lambda that differs from the one the gate judged.
 */
export function releasedProcessorBundle(artifacts: ArtifactsConfig, dir: string = PROCESSOR_BUNDLE_DIR): string {
  const shown = path.relative(REPO_ROOT, dir);
  if (!existsSync(dir)) {
    throw new Error(
      `config orders:processorBundle: no bundle in ${shown}: put the release's there (its run's 'release' artifact; npm run release:promoted -- --stack <stage|main> fetches it) or build it (npm run build)`,
    );
  }
  const found = bundleDigest(dir);
  if (found !== artifacts.processorBundle) {
    throw new Error(`config orders:processorBundle: ${shown} holds bundle ${found}, the release names ${artifacts.processorBundle}`);
  }
  return dir;
}
