import * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';
import { STACKS, WORKFLOW_FILE } from './names';

/** The CI identities' configuration (infra/ci/Pulumi.<stack>.yaml), validated once. */
const Schema = z
  .strictObject({
    /** OWNER/REPO of the repository whose workflow assumes the roles. */
    repository: z
      .string()
      .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, 'must be OWNER/REPO')
      .refine((r) => r !== 'OWNER/REPO', 'OWNER/REPO is a placeholder: replace it with your repository'),
    /** The repository's numeric id: survives renames, and a new repository under an old name does not match. */
    repositoryId: z
      .string()
      .regex(/^\d+$/, 'must be the numeric id (gh api repos/OWNER/REPO --jq .id)')
      .refine((id) => id !== '0', '0 is a placeholder: replace it with the id from `gh api repos/OWNER/REPO --jq .id`'),
    stacks: z.array(z.enum(STACKS)).min(1),
    pullRequestPreviews: z.array(z.enum(STACKS)).refine((s) => !s.includes('main'), 'main: a pull request’s code must never run with main’s state and secrets'),
    stateBackend: z.enum(['s3', 'pulumi-cloud']),
    releaseRepository: z.boolean(),
    /** The workflow file allowed to assume the roles (job_workflow_ref). */
    workflow: z.string().default(WORKFLOW_FILE),
    /**
     * The repository part of the tokens' `sub` when it is not `repo:OWNER/REPO`: repositories created, renamed or
     * transferred after 2026-07-15 get GitHub's immutable form `repo:OWNER@<owner-id>/REPO@<repo-id>`.
     */
    subject: z
      .string()
      .regex(/^repo:/, 'must start with repo:')
      .optional(),
    region: z.string().min(1),
  })
  .refine((c) => c.pullRequestPreviews.every((s) => c.stacks.includes(s)), {
    message: 'every stack with pull-request previews must be in stacks',
    path: ['pullRequestPreviews'],
  });

export type CiConfig = z.output<typeof Schema>;

export function readCiConfig(): CiConfig {
  const config = new pulumi.Config('orders-ci');
  const raw = {
    repository: config.get('repository'),
    repositoryId: config.get('repositoryId'),
    stacks: config.getObject('stacks'),
    pullRequestPreviews: config.getObject('pullRequestPreviews') ?? [],
    stateBackend: config.get('stateBackend'),
    releaseRepository: config.getBoolean('releaseRepository') ?? false,
    workflow: config.get('workflow'),
    subject: config.get('subject'),
    region: new pulumi.Config('aws').get('region'),
  };
  const result = Schema.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
  if (!result.success) throw new Error(result.error.issues.map((i) => `config orders-ci:${i.path.join('.')}: ${i.message}`).join('; '));
  return result.data;
}
