import { PROCESSOR_BUNDLE_DIR, REPO_ROOT } from '../../build/bundles';
import { downloadArtifact, greenRuns } from '../pipeline/gh';
import { flag, requireFlag, run, stackFlag } from '../pipeline/cli';
import { releaseOutputs, writeRelease, writeStepOutputs } from './manifest';
import { fetchBundle, gatedRelease, PROMOTED_FROM, PROMOTION_ONLY } from './promoted';
import { sourceOf } from './source';

/**
 * `npm run release:promoted -- --stack <stage|main> --out release.json [--bundle-dir dist/processor]`: the release the previous stack's gate
 * passed for this source tree, with its bundle in dist/processor, as the manifest and step outputs
 * (`found=true`). None: stage says `found=false` and the release job builds; main refuses.
 */
run(async () => {
  const argv = process.argv.slice(2);
  const stack = stackFlag(argv);
  const from = PROMOTED_FROM[stack];
  if (!from) throw new Error(`${stack} is where releases are built (npm run build, then npm run release:manifest)`);
  const { tree } = sourceOf(REPO_ROOT);
  const runs = { greenRuns, download: downloadArtifact };
  const promotion = gatedRelease(from, tree, runs);
  if (!promotion) {
    if (PROMOTION_ONLY.has(stack)) {
      throw new Error(
        `${stack} deploys only a release ${from}'s gate passed, and no green ${from} run passed tree ${tree}: merge ${from} into ${stack} unchanged`,
      );
    }
    writeStepOutputs({ found: 'false' });
    console.error(`${stack}: ${from}'s gate never passed tree ${tree}; this run builds it, and ${stack}'s gate judges it`);
    return;
  }
  fetchBundle(promotion.release, runs, flag(argv, 'bundle-dir') ?? PROCESSOR_BUNDLE_DIR);
  writeRelease(requireFlag(argv, 'out'), promotion.release);
  writeStepOutputs({ ...releaseOutputs(promotion.release), found: 'true' });
  console.error(
    `${stack}: promoting ${promotion.release.apiImage} (bundle ${promotion.release.processorBundle}), passed by ${from}'s gate in run ${promotion.gateRun}`,
  );
});
