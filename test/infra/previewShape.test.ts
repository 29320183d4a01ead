import { runStackInProcess } from '../../scripts/graph/runStackInProcess';
import type { StackRun } from '../../scripts/graph/stackRun';
import { UNKNOWN } from '../../scripts/graph/unknowns';
import { filledIn } from './filledIn';

/**
 * `pulumi up --plan` applies a plan saved by the preview, and refuses any step the plan does not hold ("not
 * allowed by the plan"). So a first deploy works only if the program registers the same resources whether its
 * computed outputs are known (update) or unknown (preview). Each stack is run both ways, in its own module
 * registry, and the registrations compared by URN and type.
 */
const STACKS = ['development', 'stage', 'main'] as const;

type Run = Omit<StackRun, 'ofType' | 'one'>;
const registrations = (run: Run) => run.resources.map((r) => `${r.urn} (${r.type})`).sort();

describe.each(STACKS)('%s: preview and update register the same resources', (stack) => {
  let preview: Run;
  let update: Run;
  beforeAll(async () => {
    // One process per run: the program registers at import, and Pulumi's runtime state is process-wide.
    preview = await runStackInProcess(stack, { mode: 'preview', overrides: filledIn(stack) });
    update = await runStackInProcess(stack, { mode: 'update', overrides: filledIn(stack) });
  }, 120_000);

  it('is a preview of a first deploy: ids and computed outputs are unknown', () => {
    const table = preview.resources.find((r) => r.type === 'aws:dynamodb/table:Table');
    expect(table).toBeDefined();
    expect(table?.id).toBeUndefined();
    expect(preview.outputs.streamArn).toBe(UNKNOWN);
    expect(update.outputs.streamArn).toMatch(/^arn:aws:dynamodb:/);
  });

  it('registers exactly what the update registers', () => {
    expect(registrations(preview)).toEqual(registrations(update));
  });
});
