import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDockerfile } from '../../scripts/image/dockerfile';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
/** `name:tag@sha256:<64 hex>`: the tag says what it is, the digest what is pulled (a tag can move). */
const PINNED = /^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/;

/** The rehearsal's Dockerfile reader: what it understands, and that it refuses what it does not. */
describe('parseDockerfile', () => {
  it('reads stages, continued lines, COPY --from, ENV, USER and CMD', () => {
    const [build, run] = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'FROM node:22 AS deps',
        'WORKDIR /app',
        'RUN npm ci \\',
        '    --omit=dev',
        '',
        'FROM node:22-slim',
        'ENV A=1 B=two',
        'COPY --from=deps /app/node_modules ./node_modules',
        'COPY a.json b.json ./',
        'USER node',
        'CMD ["node", "main.js"]',
      ].join('\n'),
    );
    expect(build).toMatchObject({
      name: 'deps',
      image: 'node:22',
      instructions: [
        { op: 'WORKDIR', dir: '/app' },
        { op: 'RUN', command: 'npm ci --omit=dev' },
      ],
    });
    expect(run).toMatchObject({ name: '1', env: { A: '1', B: 'two' }, user: 'node', cmd: ['node', 'main.js'] });
    expect(run!.instructions).toContainEqual({ op: 'COPY', from: 'deps', sources: ['/app/node_modules'], dest: './node_modules' });
    expect(run!.instructions).toContainEqual({ op: 'COPY', sources: ['a.json', 'b.json'], dest: './' });
  });

  it('refuses instructions and flags it cannot rehearse, instead of skipping them', () => {
    expect(() => parseDockerfile('FROM x\nADD https://example.com/x /x')).toThrow(/does not know the instruction ADD/);
    expect(() => parseDockerfile('FROM x\nCOPY --chown=node a b')).toThrow(/unsupported COPY flag/);
    expect(() => parseDockerfile('RUN true')).toThrow(/before FROM/);
    expect(() => parseDockerfile('FROM x\nENV A')).toThrow(/KEY=value/);
  });
});

describe('images are pinned by digest', () => {
  it('service/Dockerfile: every stage starts from node:22-bookworm-slim by digest, the same one', () => {
    const stages = parseDockerfile(read('service/Dockerfile'));
    expect(stages.map((stage) => stage.name)).toEqual(['deps', 'runtime']);
    for (const { name, image } of stages) {
      expect({ name, image, pinned: PINNED.test(image) }).toEqual({ name, image, pinned: true });
      expect(image.startsWith('node:22-bookworm-slim@sha256:')).toBe(true);
    }
    expect(new Set(stages.map((stage) => stage.image)).size).toBe(1);
  });

  it('infra/components/apiService.ts names one image itself, the ADOT collector, and by digest', () => {
    // The API image comes from the release manifest (always by digest, test/infra); the collector is named here.
    const images = [...read('infra/components/apiService.ts').matchAll(/image:\s*'([^']+)'/g)].map((m) => m[1]!);
    expect(images).toEqual([expect.stringMatching(/^public\.ecr\.aws\/aws-observability\/aws-otel-collector:/)]);
    expect(images.filter((image) => !PINNED.test(image))).toEqual([]);
  });
});
