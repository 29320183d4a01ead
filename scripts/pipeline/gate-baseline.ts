import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireFlag, run, stackFlag } from './cli';
import { downloadArtifact, greenRuns } from './gh';

/**
 * `npm run gate:baseline -- --stack <s> --scenario <name> --out <file>`: the baseline of the branch's last green
 * pipeline run, taken from its `k6-gate-<branch>` artifact (GitHub CLI, GH_TOKEN with actions: read). Only a push
 * to the branch in this repository counts (./gh.ts): a pull request's or a fork's run cannot plant a baseline. No
 * green run with a baseline yet is not an error: the gate then judges on absolute thresholds alone.
 */
run(async () => {
  const argv = process.argv.slice(2);
  const stack = stackFlag(argv);
  const scenario = requireFlag(argv, 'scenario');
  const out = requireFlag(argv, 'out');
  const runs = greenRuns(stack);
  const wanted = `baseline-${stack}-${scenario}.json`;
  for (const id of runs) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gate-baseline-'));
    try {
      if (!downloadArtifact(id, `k6-gate-${stack}`, dir)) continue;
      if (!existsSync(path.join(dir, wanted))) continue;
      copyFileSync(path.join(dir, wanted), out);
      console.log(`baseline: ${wanted} from run ${id}`);
      return;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`baseline: none among the last ${runs.length} green runs of ${stack}; this run is judged on its absolute thresholds`);
});
