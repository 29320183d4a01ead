/**
 * Workflow runs as a stand-in `gh api repos/<owner>/<repo>/actions/workflows/pipeline.yml/runs` answers them: the
 * shape of GitHub's REST answer to "List workflow runs for a workflow" (`{ total_count, workflow_runs: [...] }`),
 * with the fields scripts/pipeline/gh.ts reads (event, head_branch, conclusion, head_repository.full_name) and a
 * few of the others a real run carries. The stand-in serves every recorded run, whatever the query asks for, so
 * the tests show that greenRuns checks each run itself.
 */
export const REPOSITORY = 'o/r';

export interface RecordedRun {
  id: number;
  name: string;
  head_branch: string;
  head_sha: string;
  path: string;
  event: string;
  status: string;
  conclusion: string | null;
  head_repository: { full_name: string; fork: boolean };
  repository: { full_name: string };
}

/** A green run of pipeline.yml for a push to `branch` of REPOSITORY, unless `overrides` says otherwise. */
export function workflowRun(id: string | number, branch: string, overrides: Partial<RecordedRun> = {}): RecordedRun {
  return {
    id: Number(id),
    name: 'pipeline',
    head_branch: branch,
    head_sha: 'c'.repeat(40),
    path: '.github/workflows/pipeline.yml',
    event: 'push',
    status: 'completed',
    conclusion: 'success',
    head_repository: { full_name: REPOSITORY, fork: false },
    repository: { full_name: REPOSITORY },
    ...overrides,
  };
}

/** A pull request's run whose head branch has the stack's name: green, but it never deployed the stack. */
export const pullRequestRun = (id: string | number, branch: string) => workflowRun(id, branch, { event: 'pull_request' });

/**
 * A green run for a fork's branch of the same name. Recorded as a push so that only its head repository tells it
 * apart: the event check alone would already pass over a fork's pull request.
 */
export const forkRun = (id: string | number, branch: string) => workflowRun(id, branch, { head_repository: { full_name: 'someone/r', fork: true } });

/** The body of the answer, for a shell stand-in to print (no single quotes in it). */
export const listAnswer = (runs: RecordedRun[]): string => JSON.stringify({ total_count: runs.length, workflow_runs: runs });
