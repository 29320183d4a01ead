import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { bundle, bundleDigest, PROCESSOR_BUNDLE_DIR, processorBundle } from '../../build/bundles';

/** The account and region every mocked stack runs in: the ARNs the mocks invent name them. */
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
/** The repository root: stack files are read from it, and a run in its own process starts in it. */
export const ROOT = path.resolve(__dirname, '../..');

/** The Pulumi programs of this repository: the order stacks, and the pipeline's identities (infra/ci). */
export const PROGRAMS = {
  orders: { project: 'orders', dir: '.', entry: '../../infra/index', release: true },
  'orders-ci': { project: 'orders-ci', dir: 'infra/ci', entry: '../../infra/ci/index', release: false },
} as const;
export type ProgramName = keyof typeof PROGRAMS;

/** The stack file's `config:` block, as Pulumi would hand it to the program. */
export function stackConfig(stack: string, program: ProgramName = 'orders'): Record<string, unknown> {
  const file = load(readFileSync(path.join(ROOT, PROGRAMS[program].dir, `Pulumi.${stack}.yaml`), 'utf8')) as { config: Record<string, unknown> };
  return file.config;
}

/** The image every mocked stack runs: in the shared repository, pinned by a digest. */
export const RELEASED_IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/orders-api@sha256:${'5e'.repeat(32)}`;

/**
 * The release config the pipeline sets (`orders:apiImage`, `orders:processorBundle`), for a run that was given
 * none: the image above and the bundle in dist/processor (built first if absent), by its content digest.
 */
export function releaseConfig(): Record<string, string> {
  if (!existsSync(PROCESSOR_BUNDLE_DIR)) bundle(processorBundle);
  return { 'orders:apiImage': RELEASED_IMAGE, 'orders:processorBundle': bundleDigest(PROCESSOR_BUNDLE_DIR) };
}
