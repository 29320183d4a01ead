import { writeFileSync } from 'node:fs';
import { rules } from '../../infra/policy/rules';
import { policyPackConfig } from '../../infra/policy/stackConfig';
import { flag, run, stackFlag } from './cli';

/**
 * `npm run policy:config -- --stack <name> [--out <file>]`: the policy pack's config for a stack (stdout, or
 * the file), passed to `pulumi preview --policy-pack-config`.
 */
run(async () => {
  const argv = process.argv.slice(2);
  const json = `${JSON.stringify(
    policyPackConfig(
      rules.map((r) => r.id),
      stackFlag(argv),
    ),
    null,
    2,
  )}\n`;
  const out = flag(argv, 'out');
  if (out) writeFileSync(out, json);
  else process.stdout.write(json);
});
