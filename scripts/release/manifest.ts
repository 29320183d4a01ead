import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The release manifest: what one build produced, by address — the API image by its registry digest, the Lambda
 * bundle by its content digest — and the source tree it was built from. Every stack deploys a manifest's artifacts
 * (as `orders:apiImage` and `orders:processorBundle`), the gate's verdict names the manifest it judged, and
 * promotion hands the same manifest on (docs/deploying.md, "Build once, promote the digest").
 */
const sha1 = z.string().regex(/^[0-9a-f]{40}$/);
export const Release = z.strictObject({
  source: z.strictObject({ commit: sha1, tree: sha1 }),
  apiImage: z.string().regex(/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$/, 'an ECR image pinned by digest'),
  processorBundle: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 content digest'),
  /** The workflow run whose `release` artifact holds the bundle (absent for a local build). */
  builtByRun: z.string().regex(/^\d+$/).optional(),
});
export type Release = z.infer<typeof Release>;

export function parseRelease(value: unknown, where: string): Release {
  const parsed = Release.safeParse(value);
  if (!parsed.success)
    throw new Error(`${where} is not a release manifest: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  return parsed.data;
}

export const readRelease = (file: string): Release => parseRelease(JSON.parse(readFileSync(file, 'utf8')), file);

export const writeRelease = (file: string, release: Release): void => writeFileSync(file, `${JSON.stringify(release, null, 2)}\n`);

/** The manifest as the stack config the pipeline passes to Pulumi (pulumi/actions `config-map`, or `pulumi config set`). */
export const stackConfigOf = (release: Release) => ({ 'orders:apiImage': release.apiImage, 'orders:processorBundle': release.processorBundle });

/** Step outputs for the jobs after the release job (`$GITHUB_OUTPUT`, or stdout when run by hand). */
export function writeStepOutputs(values: Record<string, string>): void {
  const lines = Object.entries(values)
    .map(([k, v]) => `${k}=${v}\n`)
    .join('');
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, lines);
  else process.stdout.write(lines);
}

export const releaseOutputs = (release: Release) => ({ apiImage: release.apiImage, processorBundle: release.processorBundle, tree: release.source.tree });
