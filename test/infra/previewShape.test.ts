import { execFile } from 'node:child_process';
import path from 'node:path';
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
const registrations = (run: Pick<Run, 'resources'>) => run.resources.map((r) => `${r.urn} (${r.type})`).sort();
/** The check itself, shared with the negative control below. */
const expectSameRegistrations = (preview: Pick<Run, 'resources'>, update: Pick<Run, 'resources'>) =>
  expect(registrations(preview)).toEqual(registrations(update));

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
    expectSameRegistrations(preview, update);
  });
});

/**
 * Negative control: the check above catches what broke `pulumi up --plan` before, a resource registered inside an
 * apply over an output AWS computes (awsx.ecr.Image registered its docker image in `repositoryUrl.apply`). A tiny
 * program (fixtures/applyRegistered) is run by the same mocked runner, with the image inside the apply and outside it.
 */
describe('negative control: a resource registered inside an apply on an output unknown at preview', () => {
  type FixtureRun = Pick<Run, 'resources' | 'outputs'>;
  const runner = path.join(__dirname, 'fixtures/applyRegistered/run.ts');
  const fixture = (mode: 'preview' | 'update', inApply: boolean) =>
    new Promise<FixtureRun>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', runner, mode, JSON.stringify({ 'fixture:inApply': inApply })], (err, out, errOut) =>
        err ? reject(new Error(`fixture (${mode}, inApply ${inApply}): ${errOut || err.message}`)) : resolve(JSON.parse(out) as FixtureRun),
      ),
    );
  const IMAGE = 'urn:pulumi:fixture::fixture::docker-build:index:Image::api (docker-build:index:Image)';
  let inApply: { preview: FixtureRun; update: FixtureRun };
  let outside: { preview: FixtureRun; update: FixtureRun };
  beforeAll(async () => {
    const [p1, u1, p2, u2] = await Promise.all([fixture('preview', true), fixture('update', true), fixture('preview', false), fixture('update', false)]);
    inApply = { preview: p1, update: u1 };
    outside = { preview: p2, update: u2 };
  }, 60_000);

  it('is a preview of a first deploy: the repository URL is unknown, and a resource built from it is still registered', () => {
    expect(inApply.preview.outputs.repositoryUrl).toBe(UNKNOWN);
    expect(inApply.update.outputs.repositoryUrl).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/api');
    const policy = inApply.preview.resources.find((r) => r.type === 'aws:ecr/lifecyclePolicy:LifecyclePolicy');
    expect(policy?.inputs.repository).toBe(UNKNOWN);
  });

  it('fails the check: the update registers the image, the preview does not', () => {
    expect(registrations(inApply.update)).toContain(IMAGE);
    expect(registrations(inApply.update).filter((r) => !registrations(inApply.preview).includes(r))).toEqual([IMAGE]);
    expect(() => expectSameRegistrations(inApply.preview, inApply.update)).toThrow();
  });

  it('passes the check once the image is registered outside the apply, its tags an output of the same URL', () => {
    expect(registrations(outside.preview)).toContain(IMAGE);
    expect(outside.preview.resources.find((r) => r.type === 'docker-build:index:Image')?.inputs.tags).toEqual([UNKNOWN]);
    expectSameRegistrations(outside.preview, outside.update);
  });
});
