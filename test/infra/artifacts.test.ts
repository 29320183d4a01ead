import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { statefulResourceOptions } from '../../infra/components/protection';
import { serviceBundle } from '../../scripts/bundles';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('deployment artifacts', () => {
  it('builds the API image in two node:22 stages, production deps only, as a non-root user', () => {
    const dockerfile = read('service/Dockerfile');
    const stages = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(stages).toEqual(['node:22-bookworm-slim', 'node:22-bookworm-slim']);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/^USER node$/m);
    const entry = /CMD \["node", "([^"]+)"\]/.exec(runtime)?.[1];
    expect(path.join(ROOT, entry!)).toBe(serviceBundle.outfile);
    expect(read('.dockerignore').split('\n')).toEqual(expect.arrayContaining(['node_modules', '.git']));
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
});
