import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runStackInProcess } from '../../scripts/graph/runStackInProcess';
import { filledIn } from './filledIn';

/**
 * Writes test/infra/fixtures/urns-<stack>.json, the URNs of the stack as deployed, from the stack's graph under
 * mocks as the infra tests make it (update mode, the operator's filled-in config): `npx tsx test/infra/recordUrns.ts
 * <stack>`. Run it only when a resource is meant to be replaced or removed: it writes the current URNs, dropping the
 * former ones an alias stands for. Recording lives here, apart from the test, so the test always compares with a
 * file it did not just write.
 */
async function recordUrns(stack: string): Promise<string> {
  const run = await runStackInProcess(stack, { overrides: filledIn(stack) });
  const file = path.join(__dirname, 'fixtures', `urns-${stack}.json`);
  writeFileSync(file, `${JSON.stringify(run.urns.map((r) => r.urn).sort(), null, 2)}\n`);
  return file;
}

const [stack] = process.argv.slice(2);
if (!stack) {
  console.error('usage: npx tsx test/infra/recordUrns.ts <stack>');
  process.exit(2);
}
recordUrns(stack).then(
  (file) => console.log(`wrote ${path.relative(process.cwd(), file)}`),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
