import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StackName } from '../../infra/policy/stackConfig';
import { bundleDigest } from '../../build/bundles';
import { parseRelease, type Release } from './manifest';

/**
 * Promotion: a stack deploys the release the stack before it judged, not a rebuild. `stage` takes what
 * development's gate passed for the same source tree (and builds only a tree development never saw, such as a
 * hotfix, which its own gate then judges); `main` takes what stage's gate passed, or nothing.
 */
export const PROMOTED_FROM: Readonly<Record<StackName, StackName | undefined>> = { development: undefined, stage: 'development', main: 'stage' };
/** Stacks that never deploy a release their predecessor's gate did not pass. */
export const PROMOTION_ONLY: ReadonlySet<StackName> = new Set(['main']);

/** What the gate job's artifacts are read through (the GitHub CLI in the pipeline). */
export interface RunArtifacts {
  greenRuns(branch: string): string[];
  download(runId: string, artifact: string, dir: string): boolean;
}

/** The file gate:verdict writes into the `k6-gate-<stack>` artifact. */
export const VERDICT_FILE = 'verdict.json';
/** The build's artifact: the manifest, and the bundle under dist/processor. */
export const RELEASE_ARTIFACT = 'release';

export interface Promotion {
  release: Release;
  /** The green run whose gate passed it. */
  gateRun: string;
}

function withDir<T>(prefix: string, use: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The newest release of `tree` that `from`'s gate passed, among its last green runs. */
export function gatedRelease(from: StackName, tree: string, runs: RunArtifacts): Promotion | undefined {
  for (const gateRun of runs.greenRuns(from)) {
    const release = withDir('gate-verdict-', (dir) => {
      if (!runs.download(gateRun, `k6-gate-${from}`, dir) || !existsSync(path.join(dir, VERDICT_FILE))) return undefined;
      const verdict = JSON.parse(readFileSync(path.join(dir, VERDICT_FILE), 'utf8')) as { passed?: unknown; stack?: unknown; release?: unknown };
      if (verdict.passed !== true || verdict.stack !== from || !verdict.release) return undefined;
      return parseRelease(verdict.release, `${VERDICT_FILE} of run ${gateRun}`);
    });
    if (release?.source.tree === tree) return { release, gateRun };
  }
  return undefined;
}

/**
 * Puts the release's own bundle where infra/ deploys it from, from the run that built it, and refuses a bundle
 * whose content digest is not the release's.
 */
export function fetchBundle(release: Release, runs: RunArtifacts, into: string): void {
  if (!release.builtByRun) throw new Error(`release of tree ${release.source.tree} names no run that built it`);
  const runId = release.builtByRun;
  withDir('release-', (dir) => {
    if (!runs.download(runId, RELEASE_ARTIFACT, dir))
      throw new Error(`run ${runId} has no '${RELEASE_ARTIFACT}' artifact (expired?): rebuild from the source branch`);
    const bundle = path.join(dir, 'dist/processor');
    const found = existsSync(bundle) ? bundleDigest(bundle) : 'nothing';
    if (found !== release.processorBundle) throw new Error(`run ${runId}'s bundle is ${found}, the release names ${release.processorBundle}`);
    rmSync(into, { recursive: true, force: true });
    cpSync(bundle, into, { recursive: true });
  });
}
