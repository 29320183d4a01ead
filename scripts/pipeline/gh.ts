import { spawnSync } from 'node:child_process';

/**
 * The workflow runs and artifacts the pipeline scripts read, through the GitHub CLI (GH_TOKEN with actions: read).
 * The tests put a stand-in `gh` first on PATH.
 */
function gh(args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync('gh', args, { encoding: 'utf8' });
  if (result.error) throw new Error(`could not run gh: ${result.error.message}`);
  return { ok: result.status === 0, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** The ids of the last green runs of pipeline.yml on a branch, newest first. */
export function greenRuns(branch: string, limit = 10): string[] {
  const listed = gh(['run', 'list', '--workflow', 'pipeline.yml', '--branch', branch, '--status', 'success', '--limit', String(limit), '--json', 'databaseId']);
  if (!listed.ok) throw new Error(`gh run list failed: ${listed.stderr.trim()}`);
  return (JSON.parse(listed.stdout || '[]') as Array<{ databaseId: number }>).map((r) => String(r.databaseId));
}

/** Downloads one artifact of a run into `dir`; false when the run has no such artifact (or it expired). */
export const downloadArtifact = (runId: string, name: string, dir: string): boolean => gh(['run', 'download', runId, '--name', name, '--dir', dir]).ok;
