import { execFileSync } from 'node:child_process';

/** The commit and tree being released. The tree is what promotion compares: a merge that changes nothing has the same tree. */
export function sourceOf(cwd: string): { commit: string; tree: string } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
  return { commit: git('rev-parse', 'HEAD'), tree: git('rev-parse', 'HEAD^{tree}') };
}
