import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './programs';
import type { RunOptions, StackRun } from './stackRun';

/**
 * The same run in a process of its own (scripts/graph/cli.ts), for callers that need more than one run. With
 * `GRAPH_CACHE_DIR` set (the test run sets a fresh one and fills it before any test starts), a graph already made
 * with the same stack, mode and overrides is read back instead of run again: one program run costs seconds of CPU,
 * which latency-sensitive tests on the other worker would otherwise pay.
 */
export async function runStackInProcess(stack: string, options: RunOptions = {}): Promise<Omit<StackRun, 'ofType' | 'one'>> {
  const mode = options.mode ?? 'update';
  const overrides = options.overrides ?? {};
  const cacheDir = process.env.GRAPH_CACHE_DIR;
  const cached =
    cacheDir &&
    path.join(
      cacheDir,
      `${createHash('sha256')
        .update(JSON.stringify([stack, mode, overrides, options.program ?? 'orders']))
        .digest('hex')}.json`,
    );
  if (cached && existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as Omit<StackRun, 'ofType' | 'one'>;
  const { execFile } = await import('node:child_process');
  const args = [
    '--import',
    'tsx',
    path.join(__dirname, 'cli.ts'),
    '--stack',
    stack,
    '--mode',
    mode,
    '--overrides',
    JSON.stringify(overrides),
    '--program',
    options.program ?? 'orders',
  ];
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (err, out, errOut) =>
      err ? reject(new Error(`graph of ${stack} (${mode}): ${errOut || err.message}`)) : resolve(out),
    ),
  );
  if (cached) {
    // Written aside and renamed: a reader in another worker never sees half a graph.
    writeFileSync(`${cached}.${process.pid}`, stdout);
    renameSync(`${cached}.${process.pid}`, cached);
  }
  return JSON.parse(stdout) as Omit<StackRun, 'ofType' | 'one'>;
}
