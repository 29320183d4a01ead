import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { npmRun } from '../support/processes';

/**
 * `npm run promote`, as the promote and hotfix-pr jobs run it, against a stand-in `gh` on PATH (GitHub is not
 * reachable here): it records its arguments and answers as the real CLI does for a new PR, an open one, and an
 * error.
 */
let bin: string;
beforeAll(() => {
  bin = mkdtempSync(path.join(os.tmpdir(), 'fake-gh-'));
  writeFileSync(
    path.join(bin, 'gh'),
    `#!/bin/sh
printf '%s\\n' "$@" > "$GH_ARGS_FILE"
case "$GH_ANSWER" in
  created) echo "https://github.com/o/r/pull/7"; exit 0 ;;
  exists) echo 'a pull request for branch "development" into branch "stage" already exists:' >&2; exit 1 ;;
  *) echo 'HTTP 401: Bad credentials' >&2; exit 1 ;;
esac
`,
  );
  chmodSync(path.join(bin, 'gh'), 0o755);
});
afterAll(() => rmSync(bin, { recursive: true, force: true }));

async function promote(head: string, answer: string): Promise<{ code: number; output: string; gh?: string[] }> {
  const argsFile = path.join(bin, `args-${Math.random()}`);
  const run = await npmRun('promote', ['--head', head], {
    PATH: `${bin}:${process.env.PATH}`,
    GH_ARGS_FILE: argsFile,
    GH_ANSWER: answer,
    GITHUB_SHA: 'abc123',
    GITHUB_RUN_ID: '42',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'o/r',
  });
  return { ...run, ...(existsSync(argsFile) ? { gh: readFileSync(argsFile, 'utf8').trim().split('\n') } : {}) };
}

describe('npm run promote', () => {
  it('opens development → stage and stage → main, linking the run that passed the gate', async () => {
    const dev = await promote('development', 'created');
    expect(dev.code).toBe(0);
    expect(dev.gh!.slice(0, 6)).toEqual(['pr', 'create', '--base', 'stage', '--head', 'development']);
    expect(dev.gh).toContain('Promote development → stage');
    expect(dev.gh!.join('\n')).toContain('The gate passed on the `development` stack at abc123: https://github.com/o/r/actions/runs/42');
    expect((await promote('stage', 'created')).gh!.slice(2, 6)).toEqual(['--base', 'main', '--head', 'stage']);
  }, 30_000);

  it("sends hotfix branches to stage, whose gate main's release needs", async () => {
    const hotfix = await promote('hotfix/fix-prices', 'created');
    expect(hotfix.gh!.slice(2, 6)).toEqual(['--base', 'stage', '--head', 'hotfix/fix-prices']);
    expect(hotfix.gh).toContain('Hotfix: hotfix/fix-prices → stage');
  }, 30_000);

  it('treats an open PR as done, and any other gh failure as a failure', async () => {
    expect(await promote('development', 'exists')).toMatchObject({ code: 0, output: expect.stringContaining('nothing to do') });
    expect(await promote('development', 'unauthorised')).toMatchObject({ code: 1, output: expect.stringContaining('Bad credentials') });
  }, 30_000);

  it('refuses to promote main (or anything unknown) and never calls gh for it', async () => {
    const main = await promote('main', 'created');
    expect(main).toMatchObject({ code: 1, output: expect.stringContaining('nothing to promote main to') });
    expect(main.gh).toBeUndefined();
  }, 30_000);
});
