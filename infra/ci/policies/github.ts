import { GITHUB_OIDC_HOST, STS_AUDIENCE } from '../names';
import { policy, type PolicyDocument, type Statement } from './document';

/**
 * Trust policies for GitHub Actions' OIDC tokens. Every statement pins the audience, the subject, and the
 * repository by its numeric id (a renamed repository keeps it; a new repository under an old name does not get
 * it). Since January 2026 AWS STS also evaluates GitHub's own claims (`ref`, `environment`, `job_workflow_ref`,
 * `repository_id`, …) as condition keys ("AWS STS supports validation of identity provider claims",
 * https://aws.amazon.com/about-aws/whats-new/2026/01/aws-sts-supports-validation-identity-provider-claims/),
 * so a deploy role is bound to its branch, its environment and the pipeline's workflow file, not only to an
 * environment name that any branch's workflow could claim.
 */
export interface GithubRepository {
  /** OWNER/REPO */
  repository: string;
  repositoryId: string;
  /** The workflow file that may assume the role, e.g. .github/workflows/pipeline.yml */
  workflow: string;
  /** The repository part of `sub` as the repository's tokens carry it (default `repo:OWNER/REPO`). */
  subject?: string;
}

/** Which jobs of the workflow may assume a role. */
export type Caller =
  /** A job with `environment: <name>` on a push to `branch` (the deploy job). */
  | { kind: 'environment'; environment: string; branch: string }
  /** A job without an environment on a push to `branch` (plan, gate, release). */
  | { kind: 'push'; branch: string }
  /** A pull request's job (its code is not reviewed yet). */
  | { kind: 'pull_request' };

const claim = (name: string) => `${GITHUB_OIDC_HOST}:${name}`;

function statementFor(providerArn: string, repo: GithubRepository, caller: Caller): Statement {
  const subject = repo.subject ?? `repo:${repo.repository}`;
  const workflowAt = (ref: string) => `${repo.repository}/${repo.workflow}@${ref}`;
  const base = { [claim('aud')]: STS_AUDIENCE, [claim('repository_id')]: repo.repositoryId };
  const conditions: Statement['Condition'] =
    caller.kind === 'environment'
      ? {
          StringEquals: {
            ...base,
            [claim('sub')]: `${subject}:environment:${caller.environment}`,
            [claim('environment')]: caller.environment,
            [claim('ref')]: `refs/heads/${caller.branch}`,
            [claim('job_workflow_ref')]: workflowAt(`refs/heads/${caller.branch}`),
          },
        }
      : caller.kind === 'push'
        ? {
            StringEquals: {
              ...base,
              [claim('sub')]: `${subject}:ref:refs/heads/${caller.branch}`,
              [claim('ref')]: `refs/heads/${caller.branch}`,
              [claim('job_workflow_ref')]: workflowAt(`refs/heads/${caller.branch}`),
            },
          }
        : { StringEquals: { ...base, [claim('sub')]: `${subject}:pull_request` } };
  const sid = caller.kind === 'environment' ? `Environment${caller.environment}` : caller.kind === 'push' ? `Push${caller.branch}` : 'PullRequest';
  return {
    Sid: sid.replace(/[^A-Za-z0-9]/g, ''),
    Effect: 'Allow',
    Principal: { Federated: providerArn },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: conditions,
  };
}

export function githubTrust(providerArn: string, repo: GithubRepository, callers: Caller[]): PolicyDocument {
  if (callers.length === 0) throw new Error('a role nobody may assume');
  return policy(...callers.map((caller) => statementFor(providerArn, repo, caller)));
}
