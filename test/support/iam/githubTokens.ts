/**
 * The claims GitHub Actions puts in a job's OIDC token, for the jobs of this pipeline and for the jobs that must
 * not get its roles. Shapes from GitHub's "OpenID Connect reference"
 * (https://docs.github.com/actions/reference/openid-connect-reference): `sub` is
 * `repo:<owner>/<repo>:environment:<name>` for a job with an environment, `repo:<owner>/<repo>:ref:<ref>` for a
 * push without one, `repo:<owner>/<repo>:pull_request` for a pull request; `ref` is `refs/heads/<branch>` for a
 * push and `refs/pull/<n>/merge` for a pull request; `job_workflow_ref` is
 * `<owner>/<repo>/<workflow path>@<ref>`; `environment` is present only when the job names one; `aud` is what
 * the job asked for (aws-actions/configure-aws-credentials asks for `sts.amazonaws.com`, GitHub's default is the
 * owner's URL).
 */
export interface Repo {
  repository: string;
  repositoryId: string;
}
export type Claims = Record<string, string>;

const WORKFLOW = '.github/workflows/pipeline.yml';

interface JobShape {
  repo: Repo;
  ref: string;
  environment?: string;
  workflow?: string;
  audience?: string;
}
function token({ repo, ref, environment, workflow = WORKFLOW, audience = 'sts.amazonaws.com' }: JobShape): Claims {
  const subject = environment ? `environment:${environment}` : ref.startsWith('refs/pull/') ? 'pull_request' : `ref:${ref}`;
  return {
    aud: audience,
    sub: `repo:${repo.repository}:${subject}`,
    repository: repo.repository,
    repository_id: repo.repositoryId,
    repository_owner: repo.repository.split('/')[0]!,
    ref,
    job_workflow_ref: `${repo.repository}/${workflow}@${ref}`,
    workflow_ref: `${repo.repository}/${workflow}@${ref}`,
    event_name: ref.startsWith('refs/pull/') ? 'pull_request' : 'push',
    ...(environment ? { environment } : {}),
  };
}

/** A job of some repository's workflow, and whether it is one the pipeline's roles are meant for. */
export interface Scenario {
  name: string;
  claims: Claims;
}

export function scenarios(repo: Repo, stacks: readonly string[]): Scenario[] {
  const fork: Repo = { repository: `mallory/${repo.repository.split('/')[1]!}`, repositoryId: '999000111' };
  // The same name, another repository: the original deleted (or renamed) and the name taken again.
  const lookalike: Repo = { repository: repo.repository, repositoryId: `${repo.repositoryId}0` };
  return [
    { name: 'a pull request', claims: token({ repo, ref: 'refs/pull/7/merge' }) },
    { name: 'a pull request from a fork', claims: token({ repo: fork, ref: 'refs/pull/8/merge' }) },
    { name: 'a feature branch', claims: token({ repo, ref: 'refs/heads/feature/x' }) },
    ...stacks.flatMap((stack) => [
      { name: `deploy job of ${stack}`, claims: token({ repo, ref: `refs/heads/${stack}`, environment: stack }) },
      { name: `push to ${stack} (plan, gate, release jobs)`, claims: token({ repo, ref: `refs/heads/${stack}` }) },
      { name: `a feature branch's job claiming environment ${stack}`, claims: token({ repo, ref: 'refs/heads/feature/x', environment: stack }) },
      {
        name: `another workflow file on ${stack} in environment ${stack}`,
        claims: token({ repo, ref: `refs/heads/${stack}`, environment: stack, workflow: '.github/workflows/other.yml' }),
      },
      { name: `a fork's deploy job of ${stack}`, claims: token({ repo: fork, ref: `refs/heads/${stack}`, environment: stack }) },
      { name: `a fork's push to ${stack}`, claims: token({ repo: fork, ref: `refs/heads/${stack}` }) },
      { name: `a look-alike repository's deploy job of ${stack}`, claims: token({ repo: lookalike, ref: `refs/heads/${stack}`, environment: stack }) },
      {
        name: `deploy job of ${stack} with GitHub's default audience`,
        claims: token({ repo, ref: `refs/heads/${stack}`, environment: stack, audience: `https://github.com/${repo.repository.split('/')[0]!}` }),
      },
    ]),
  ];
}
