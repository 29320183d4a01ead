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

/** The fields of GitHub's "List workflow runs for a workflow" answer that decide whether a run counts. */
interface WorkflowRun {
  id: number;
  event: string;
  head_branch: string | null;
  conclusion: string | null;
  head_repository?: { full_name?: string } | null;
}

/**
 * The ids of the last green runs of pipeline.yml on a branch, newest first: only runs of a push to that branch of
 * this repository (GITHUB_REPOSITORY). A pull request's run, or a run for a fork's branch of the same name, never
 * deployed the stack: its artifacts must not become a baseline or a release to promote. `gh run list` cannot tell
 * the head repository, so this asks the REST API, and checks each run itself rather than trusting the filters.
 */
export function greenRuns(branch: string, limit = 10): string[] {
  const repository = process.env.GITHUB_REPOSITORY;
  if (!repository) throw new Error('GITHUB_REPOSITORY (owner/repo) is not set: whose runs to read is unknown');
  const query = new URLSearchParams({ branch, event: 'push', status: 'success', per_page: String(limit) });
  const listed = gh(['api', '--method', 'GET', `repos/${repository}/actions/workflows/pipeline.yml/runs?${query}`]);
  if (!listed.ok) throw new Error(`gh api (list workflow runs) failed: ${listed.stderr.trim()}`);
  const runs = (JSON.parse(listed.stdout || '{}') as { workflow_runs?: WorkflowRun[] }).workflow_runs ?? [];
  return runs
    .filter((run) => run.event === 'push' && run.head_branch === branch && run.conclusion === 'success' && run.head_repository?.full_name === repository)
    .slice(0, limit)
    .map((run) => String(run.id));
}

/** Downloads one artifact of a run into `dir`; false when the run has no such artifact (or it expired). */
export const downloadArtifact = (runId: string, name: string, dir: string): boolean => gh(['run', 'download', runId, '--name', name, '--dir', dir]).ok;
