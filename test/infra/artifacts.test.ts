import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { retainedResourceOptions, statefulResourceOptions } from '../../infra/components/protection';
import { serviceBundle } from '../../build/bundles';
import { parseDockerfile } from '../../scripts/image/dockerfile';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('deployment artifacts', () => {
  it('builds the API image in two node:22 stages: production deps only, the prebuilt bundle, a non-root user', () => {
    const [deps, runtime, ...more] = parseDockerfile(read('service/Dockerfile'));
    expect(more).toEqual([]);
    // The same node:22 image in both stages, pinned by digest or not (the image's pinning is test/unit/dockerfile.test.ts's).
    expect(deps!.image).toMatch(/^node:22-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
    expect(runtime!.image).toBe(deps!.image);
    expect(deps!.instructions).toContainEqual({ op: 'RUN', command: expect.stringMatching(/^npm ci --omit=dev\b/) });
    // The bundle comes from build/bundles.ts (one definition): no stage bundles, installs esbuild or dev deps.
    for (const stage of [deps!, runtime!]) {
      for (const step of stage.instructions) if (step.op === 'RUN') expect(step.command).not.toMatch(/esbuild|tsx|--include=dev|npm (i|install)\b/);
    }
    expect(runtime!.instructions).toContainEqual({ op: 'COPY', from: 'deps', sources: ['/app/node_modules'], dest: './node_modules' });
    const bundleDir = path.relative(ROOT, path.dirname(serviceBundle.outfile!));
    expect(runtime!.instructions).toContainEqual({ op: 'COPY', sources: [bundleDir], dest: `./${bundleDir}` });
    expect(runtime!.user).toBe('node');
    expect(path.join(ROOT, runtime!.cmd![1]!)).toBe(serviceBundle.outfile);
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.git', 'dist/*', `!${bundleDir}`]));
  });

  it('declares a TypeScript Pulumi project whose program is infra/, with a file per branch stack', () => {
    const project = load(read('Pulumi.yaml')) as { name: string; main: string; runtime: { name: string; options: { typescript: boolean } } };
    expect(project).toMatchObject({ name: 'orders', main: 'infra/', runtime: { name: 'nodejs', options: { typescript: true } } });
    for (const stack of ['development', 'stage', 'main']) {
      expect((load(read(`Pulumi.${stack}.yaml`)) as { config: Record<string, unknown> }).config['aws:region']).toEqual(expect.any(String));
    }
  });

  it('protects and retains stateful resources only on protected stacks', () => {
    const parent = {} as never;
    expect(statefulResourceOptions(true, parent)).toMatchObject({ protect: true, retainOnDelete: true });
    expect(statefulResourceOptions(false, parent)).toMatchObject({ protect: false, retainOnDelete: false });
  });

  it('retains audit logs, backup vaults and their keys on every stack that has them, and protects them where the stack is protected', () => {
    const parent = {} as never;
    expect(retainedResourceOptions(true, parent)).toMatchObject({ protect: true, retainOnDelete: true });
    expect(retainedResourceOptions(false, parent)).toMatchObject({ protect: false, retainOnDelete: true });
  });
});
