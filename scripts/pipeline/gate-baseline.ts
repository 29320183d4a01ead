import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireFlag, run, stackFlag } from './cli';

/**
 * `npm run gate:baseline -- --stack <s> --scenario <name> --out <file>`: the baseline of the branch's last green
 * pipeline run, taken from its `k6-gate-<branch>` artifact (GitHub CLI, GH_TOKEN with actions: read). No green
 * run with a baseline yet is not an error: the gate then judges on absolute thresholds alone.
 */
function gh(args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync('gh', args, { encoding: 'utf8' });
  if (result.error) throw new Error(`could not run gh: ${result.error.message}`);
  return { ok: result.status === 0, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

run(async () => {
  const argv = process.argv.slice(2);
  const stack = stackFlag(argv);
  const scenario = requireFlag(argv, 'scenario');
  const out = requireFlag(argv, 'out');
  const listed = gh(['run', 'list', '--workflow', 'pipeline.yml', '--branch', stack, '--status', 'success', '--limit', '10', '--json', 'databaseId']);
  if (!listed.ok) throw new Error(`gh run list failed: ${listed.stderr.trim()}`);
  const runs = (JSON.parse(listed.stdout || '[]') as Array<{ databaseId: number }>).map((r) => String(r.databaseId));
  const wanted = `baseline-${stack}-${scenario}.json`;
  for (const id of runs) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gate-baseline-'));
    try {
      if (!gh(['run', 'download', id, '--name', `k6-gate-${stack}`, '--dir', dir]).ok) continue;
      if (!existsSync(path.join(dir, wanted))) continue;
      copyFileSync(path.join(dir, wanted), out);
      console.log(`baseline: ${wanted} from run ${id}`);
      return;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`baseline: none among the last ${runs.length} green runs of ${stack}; this run is judged on its absolute thresholds`);
});
