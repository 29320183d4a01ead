import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleDigest, PROCESSOR_BUNDLE_DIR } from '../../build/bundles';
import type { Release } from '../../scripts/release/manifest';
import { forkRun, listAnswer, pullRequestRun, REPOSITORY, workflowRun, type RecordedRun } from '../support/ghRuns';
import { npmRun, ROOT } from '../support/processes';

/**
 * Build once, promote the digest, as the release job runs it: `npm run release:manifest` after the build, and
 * `npm run release:promoted` on stage and main against a stand-in `gh` that serves earlier runs' artifacts the
 * way `gh run download --name <artifact> --dir <dir>` lays them out.
 */
const tree = execFileSync('git', ['rev-parse', 'HEAD^{tree}'], { cwd: ROOT, encoding: 'utf8' }).trim();
const image = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-api@sha256:${'5e'.repeat(32)}`;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'release-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Artifacts of earlier runs, as folders `runs/<id>/<artifact>/…`. `gh api …/runs` answers with `runs` as GitHub's
 * REST API lists them, newest first (an id alone is a green push run of `branch` in this repository); every call is
 * recorded in gh-calls.txt.
 */
function standInGh(runs: Array<string | RecordedRun>, branch = 'stage') {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const listed = runs.map((run) => (typeof run === 'string' ? workflowRun(run, branch) : run));
  writeFileSync(
    path.join(bin, 'gh'),
    `#!/bin/sh
echo "$*" >> "${dir}/gh-calls.txt"
case "$1 $2" in
  "api --method") echo '${listAnswer(listed)}' ;;
  "run download") [ -d "${dir}/runs/$3/$5" ] || exit 1; cp -R "${dir}/runs/$3/$5/." "$7/" ;;
  *) exit 2 ;;
esac
`,
  );
  chmodSync(path.join(bin, 'gh'), 0o755);
  return { PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: path.join(dir, 'outputs.txt'), GITHUB_REPOSITORY: REPOSITORY };
}

/** A run of the release job: its `release` artifact holds the manifest and the bundle under dist/processor. */
function buildRun(runId: string, bundleDir = PROCESSOR_BUNDLE_DIR): Release {
  const release: Release = { source: { commit: 'c'.repeat(40), tree }, apiImage: image, processorBundle: bundleDigest(bundleDir), builtByRun: runId };
  const artifact = path.join(dir, 'runs', runId, 'release');
  cpSync(bundleDir, path.join(artifact, 'dist/processor'), { recursive: true });
  writeFileSync(path.join(artifact, 'release.json'), JSON.stringify(release));
  return release;
}

/** A gate run of `stack`: its `k6-gate-<stack>` artifact holds the verdict naming what it judged. */
function gateRun(runId: string, stack: string, passed: boolean, release: Release) {
  const artifact = path.join(dir, 'runs', runId, `k6-gate-${stack}`);
  mkdirSync(artifact, { recursive: true });
  writeFileSync(path.join(artifact, 'verdict.json'), JSON.stringify({ stack, passed, release }));
}

const outputsWritten = () =>
  Object.fromEntries(
    readFileSync(path.join(dir, 'outputs.txt'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('=')),
  );

describe('npm run release:manifest', () => {
  it('names the build by the image digest, the bundle content digest and the source tree, as step outputs too', async () => {
    const env = { GITHUB_OUTPUT: path.join(dir, 'outputs.txt'), GITHUB_RUN_ID: '77' };
    const result = await npmRun('release:manifest', ['--image', image, '--out', path.join(dir, 'release.json')], env);
    expect(result).toMatchObject({ code: 0 });
    const release = JSON.parse(readFileSync(path.join(dir, 'release.json'), 'utf8')) as Release;
    expect(release).toMatchObject({ source: { tree }, apiImage: image, processorBundle: bundleDigest(PROCESSOR_BUNDLE_DIR), builtByRun: '77' });
    expect(outputsWritten()).toEqual({ apiImage: image, processorBundle: release.processorBundle, tree, found: 'true' });
  }, 30_000);

  it('refuses an image named by a tag: a tag can move, a digest cannot', async () => {
    const result = await npmRun('release:manifest', ['--image', image.replace(/@sha256:.*/, ':latest'), '--out', path.join(dir, 'release.json')]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('apiImage an ECR image pinned by digest');
    expect(existsSync(path.join(dir, 'release.json'))).toBe(false);
  }, 30_000);
});

describe('npm run release:promoted', () => {
  const promoted = (stack: string, env: NodeJS.ProcessEnv) =>
    npmRun('release:promoted', ['--stack', stack, '--out', path.join(dir, 'release.json'), '--bundle-dir', path.join(dir, 'deployed')], env);

  it("gives main exactly what stage's gate passed for this tree, bundle included, passing over failed and other verdicts", async () => {
    const release = buildRun('40');
    gateRun('43', 'stage', true, { ...release, source: { ...release.source, tree: 'f'.repeat(40) } }); // another tree
    gateRun('42', 'stage', false, release); // this tree, failed
    gateRun('41', 'stage', true, release);
    const result = await promoted('main', standInGh(['43', '42', '41']));
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain("passed by stage's gate in run 41");
    expect(JSON.parse(readFileSync(path.join(dir, 'release.json'), 'utf8'))).toEqual(release);
    expect(bundleDigest(path.join(dir, 'deployed'))).toBe(release.processorBundle);
    expect(outputsWritten()).toEqual({ apiImage: image, processorBundle: release.processorBundle, tree, found: 'true' });
  }, 30_000);

  it("refuses main a tree stage's gate never passed", async () => {
    const release = buildRun('40');
    gateRun('42', 'stage', false, release);
    gateRun('41', 'development', true, release); // development's pass is not stage's
    const result = await promoted('main', standInGh(['42']));
    expect(result.code).toBe(1);
    expect(result.output).toContain(`main deploys only a release stage's gate passed, and no green stage run passed tree ${tree}`);
    expect(existsSync(path.join(dir, 'release.json'))).toBe(false);
  }, 30_000);

  it("counts only pushes to stage in this repository: a pull request's and a fork's green gate promote nothing", async () => {
    const release = buildRun('40');
    // Both verdicts passed this very tree; neither run deployed the stage stack.
    gateRun('44', 'stage', true, release);
    gateRun('43', 'stage', true, release);
    const refused = await promoted('main', standInGh([pullRequestRun('44', 'stage'), forkRun('43', 'stage')]));
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(`no green stage run passed tree ${tree}`);
    expect(existsSync(path.join(dir, 'release.json'))).toBe(false);
    // The same list with a push of this repository behind them: that run, and only that run, is taken.
    gateRun('41', 'stage', true, release);
    const taken = await promoted('main', standInGh([pullRequestRun('44', 'stage'), forkRun('43', 'stage'), workflowRun('41', 'stage')]));
    expect(taken).toMatchObject({ code: 0 });
    expect(taken.output).toContain("passed by stage's gate in run 41");
    // The question asked GitHub already narrows to this repository's green pushes of the branch.
    const calls = readFileSync(path.join(dir, 'gh-calls.txt'), 'utf8');
    expect(calls).toContain(`api --method GET repos/${REPOSITORY}/actions/workflows/pipeline.yml/runs?branch=stage&event=push&status=success`);
    expect(calls).not.toMatch(/run download (44|43) /);
  }, 60_000);

  it('refuses a bundle whose content is not the one the release names', async () => {
    const bundle = path.join(dir, 'bundle');
    cpSync(PROCESSOR_BUNDLE_DIR, bundle, { recursive: true });
    const release = buildRun('40', bundle);
    writeFileSync(path.join(dir, 'runs/40/release/dist/processor/index.js'), '// not what the gate judged\n', { flag: 'a' });
    gateRun('41', 'stage', true, release);
    const result = await promoted('main', standInGh(['41']));
    expect(result.code).toBe(1);
    expect(result.output).toContain(`the release names ${release.processorBundle}`);
    expect(existsSync(path.join(dir, 'deployed'))).toBe(false);
  }, 30_000);

  it("lets stage build a tree development's gate never saw (a hotfix), which stage's own gate then judges", async () => {
    const result = await promoted('stage', standInGh([]));
    expect(result).toMatchObject({ code: 0 });
    expect(outputsWritten()).toEqual({ found: 'false' });
    expect(existsSync(path.join(dir, 'release.json'))).toBe(false);
  }, 30_000);
});

describe('npm run release:manifest for a pull request preview', () => {
  const repository = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-api';
  const preview = (outputs: string | undefined) => {
    const file = path.join(dir, 'current-outputs.json');
    if (outputs !== undefined) writeFileSync(file, outputs);
    return npmRun('release:manifest', ['--preview-of', file, '--repository', repository, '--out', path.join(dir, 'release.json')], {
      GITHUB_OUTPUT: path.join(dir, 'outputs.txt'),
      GITHUB_RUN_ID: '88',
    });
  };

  it('previews with the image the stack runs, and names no run (nothing promotes a preview)', async () => {
    expect(await preview(JSON.stringify({ apiImage: image }))).toMatchObject({ code: 0 });
    const release = JSON.parse(readFileSync(path.join(dir, 'release.json'), 'utf8')) as Release;
    expect(release.apiImage).toBe(image);
    expect(release).not.toHaveProperty('builtByRun');
  }, 30_000);

  it('previews a stack never deployed (`pulumi stack output` failed) with a placeholder digest in the shared repository', async () => {
    const result = await preview(undefined);
    expect(result).toMatchObject({ code: 0 });
    expect(outputsWritten().apiImage).toBe(`${repository}@sha256:${'0'.repeat(64)}`);
  }, 30_000);
});
