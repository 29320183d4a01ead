// `npm run promote -- --head <branch>`: opens (or keeps open) the pull request that promotes a branch whose
// stack passed its gate: development → stage, stage → main, hotfix/* → stage (main deploys only a release stage's
// gate passed, so a hotfix reaches main through stage's gate). Plain Node with no dependencies,
// so the promote jobs need no `npm ci`. Needs the GitHub CLI (`gh`) and GH_TOKEN.
import { spawnSync } from 'node:child_process';

export const NEXT = { development: 'stage', stage: 'main' };

export function baseFor(head) {
  if (head.startsWith('hotfix/')) return 'stage';
  const base = NEXT[head];
  if (!base) throw new Error(`nothing to promote ${head} to (development → stage → main, hotfix/* → stage)`);
  return base;
}

function main(argv, env) {
  const at = argv.indexOf('--head');
  const head = at >= 0 ? argv[at + 1] : undefined;
  if (!head) throw new Error('missing --head <branch>');
  const base = baseFor(head);
  const run = env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : 'a local run';
  const body = head.startsWith('hotfix/')
    ? `Tests passed on \`${head}\` at ${env.GITHUB_SHA ?? 'HEAD'}: ${run}`
    : `The gate passed on the \`${head}\` stack at ${env.GITHUB_SHA ?? 'HEAD'}: ${run}`;
  const title = head.startsWith('hotfix/') ? `Hotfix: ${head} → ${base}` : `Promote ${head} → ${base}`;
  const gh = spawnSync('gh', ['pr', 'create', '--base', base, '--head', head, '--title', title, '--body', body], { encoding: 'utf8', env });
  if (gh.error) throw new Error(`could not run gh: ${gh.error.message}`);
  process.stdout.write(gh.stdout ?? '');
  if (gh.status === 0) return;
  // An open PR from this branch already carries the new commits; no commits between is nothing to promote.
  if (/already exists|no commits between/i.test(gh.stderr ?? '')) {
    console.log(`${head} → ${base}: ${gh.stderr.trim()} (nothing to do)`);
    return;
  }
  process.stderr.write(gh.stderr ?? '');
  throw new Error(`gh pr create failed with exit code ${gh.status}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
