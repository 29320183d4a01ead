import { parseArgs } from 'node:util';
import { runStack } from './mockedStack';
import { PROGRAMS, type ProgramName } from './programs';
import type { RunMode } from './stackRun';

/**
 * Prints one stack's mocked graph as JSON (resources, URNs, outputs): `tsx scripts/graph/cli.ts --stack <name>
 * [--mode preview|update] [--overrides <json>] [--program orders|orders-ci]`. A process per run, because the program registers its resources
 * at import and Pulumi's runtime state is process-wide.
 */
const { values } = parseArgs({
  options: {
    stack: { type: 'string' },
    mode: { type: 'string', default: 'update' },
    overrides: { type: 'string' },
    program: { type: 'string', default: 'orders' },
  },
});
if (!values.stack) throw new Error('usage: graph --stack <name> [--mode preview|update] [--overrides <json>] [--program orders|orders-ci]');
if (!(values.program! in PROGRAMS)) throw new Error(`--program must be one of ${Object.keys(PROGRAMS).join(', ')}`);
if (values.mode !== 'preview' && values.mode !== 'update') throw new Error(`--mode must be preview or update, not ${values.mode}`);

runStack(values.stack, {
  mode: values.mode as RunMode,
  program: values.program as ProgramName,
  overrides: values.overrides ? (JSON.parse(values.overrides) as Record<string, unknown>) : {},
})
  .then(({ stack, mode, resources, urns, outputs, config }) => {
    process.stdout.write(JSON.stringify({ stack, mode, resources, urns, outputs, config }));
  })
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
