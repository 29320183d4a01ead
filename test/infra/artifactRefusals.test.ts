import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleDigest, PROCESSOR_BUNDLE_DIR } from '../../build/bundles';
import { releasedProcessorBundle } from '../../infra/artifacts';
import { ACCOUNT, REGION, RELEASED_IMAGE } from '../../scripts/graph/programs';
import { runStackInProcess } from '../../scripts/graph/runStackInProcess';

/**
 * What docs/deploying.md ("Build once, promote the digest") promises: the program deploys only what the release
 * names. `infra/config.ts` accepts only an API image pinned by digest, and `infra/artifacts.ts` refuses a
 * dist/processor whose content digest is not the release's. Each refusal is shown where `pulumi preview` and
 * `pulumi up` meet it: the program run for a stack with the release config the pipeline sets, the wrong value given.
 */
const DEVELOPMENT = 'development';
const run = (overrides: Record<string, unknown>) => runStackInProcess(DEVELOPMENT, { mode: 'preview', overrides });
const REPOSITORY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/orders-api`;

describe('the release the program deploys', () => {
  it('runs with the release’s own image and bundle (the control for the refusals below)', async () => {
    const graph = await runStackInProcess(DEVELOPMENT, { mode: 'preview', overrides: {} });
    expect(graph.outputs.apiImage).toBe(RELEASED_IMAGE);
    expect(graph.config['orders:processorBundle']).toBe(bundleDigest(PROCESSOR_BUNDLE_DIR));
  }, 120_000);

  it('refuses a processor bundle whose content digest is not the one the release names', async () => {
    const named = 'ab'.repeat(32);
    const found = bundleDigest(PROCESSOR_BUNDLE_DIR);
    await expect(run({ 'orders:processorBundle': named })).rejects.toThrow(
      `config orders:processorBundle: dist/processor holds bundle ${found}, the release names ${named}`,
    );
  }, 120_000);

  it.each([
    ['by the commit’s tag', `${REPOSITORY}:0123456789abcdef0123456789abcdef01234567`],
    ['by latest', `${REPOSITORY}:latest`],
    ['by nothing', REPOSITORY],
  ])(
    'refuses an orders:apiImage pinned %s instead of by digest',
    async (_, image) => {
      await expect(run({ 'orders:apiImage': image })).rejects.toThrow(
        'config orders:apiImage:  must be an ECR image pinned by digest: <account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:<64 hex>',
      );
    },
    120_000,
  );
});

describe('releasedProcessorBundle', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'bundle-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a copy of the release’s bundle and refuses it once one byte of it changes', () => {
    const release = { apiImage: RELEASED_IMAGE, processorBundle: bundleDigest(PROCESSOR_BUNDLE_DIR) };
    const copy = path.join(dir, 'processor');
    cpSync(PROCESSOR_BUNDLE_DIR, copy, { recursive: true });
    expect(releasedProcessorBundle(release, copy)).toBe(copy);
    const file = readdirSync(copy, { recursive: true, withFileTypes: true }).find((f) => f.isFile());
    expect(file).toBeDefined();
    writeFileSync(path.join(file!.parentPath, file!.name), '\n', { flag: 'a' });
    expect(() => releasedProcessorBundle(release, copy)).toThrow(
      new RegExp(`^config orders:processorBundle: .*processor holds bundle [0-9a-f]{64}, the release names ${release.processorBundle}$`),
    );
  });

  it('refuses a missing bundle, naming commands that exist', () => {
    const release = { apiImage: RELEASED_IMAGE, processorBundle: 'ab'.repeat(32) };
    expect(() => releasedProcessorBundle(release, path.join(dir, 'absent'))).toThrow(
      /^config orders:processorBundle: no bundle in .*absent: .*npm run release:promoted -- --stack <stage\|main>.*npm run build/,
    );
  });
});
