import { execSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDockerfile, type Stage } from './dockerfile';

/**
 * Rehearses a Dockerfile's stages on this machine, without a Docker engine: each stage is a folder standing for
 * its image's filesystem root (`<out>/<stage>`); COPY copies from the build context or an earlier stage, RUN runs
 * in the stage's WORKDIR with the stage's ENV. What differs from a real build: RUN uses this machine's node and
 * npm, not the base image's, and the base image's own files are not there (the process runs on the host's root).
 */
export interface StagedImage {
  stage: Stage;
  /** Where the final stage's WORKDIR landed: run its CMD from here. */
  workdir: string;
  root: string;
}

export function stageImage(dockerfile: string, context: string, out: string, log: (line: string) => void = () => undefined): StagedImage {
  const stages = parseDockerfile(readFileSync(dockerfile, 'utf8'));
  const roots = new Map<string, string>();
  let last: StagedImage | undefined;
  for (const stage of stages) {
    const root = path.join(out, stage.name);
    mkdirSync(root, { recursive: true });
    roots.set(stage.name, root);
    let workdir = '/';
    const env: Record<string, string> = {};
    const inRoot = (p: string) => path.join(root, path.posix.isAbsolute(p) ? p : path.posix.join(workdir, p));
    for (const step of stage.instructions) {
      if (step.op === 'WORKDIR') {
        workdir = path.posix.isAbsolute(step.dir) ? step.dir : path.posix.join(workdir, step.dir);
        mkdirSync(inRoot('.'), { recursive: true });
      } else if (step.op === 'ENV') {
        Object.assign(env, step.vars);
      } else if (step.op === 'COPY') {
        const fromRoot = step.from ? roots.get(step.from) : context;
        if (!fromRoot) throw new Error(`COPY --from=${step.from}: no such earlier stage`);
        for (const source of step.sources) {
          const from = step.from ? path.join(fromRoot, source) : path.join(context, source);
          if (!existsSync(from)) throw new Error(`COPY ${source}: not found in ${step.from ? `stage ${step.from}` : 'the build context'} (${from})`);
          // Docker's rules: a directory's contents go to dest; a file goes into dest when dest is a folder.
          const destIsFolder = step.dest.endsWith('/') || step.dest === '.' || step.sources.length > 1;
          const target = !statSync(from).isDirectory() && destIsFolder ? path.join(inRoot(step.dest), path.basename(source)) : inRoot(step.dest);
          mkdirSync(path.dirname(target), { recursive: true });
          cpSync(from, target, { recursive: true });
        }
      } else {
        log(`[${stage.name}] RUN ${step.command}`);
        execSync(step.command, { cwd: inRoot('.'), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], shell: '/bin/sh' });
      }
    }
    last = { stage, workdir: inRoot('.'), root };
  }
  if (!last) throw new Error(`${dockerfile} has no stage`);
  return last;
}
