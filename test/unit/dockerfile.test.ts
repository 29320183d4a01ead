import { parseDockerfile } from '../../scripts/image/dockerfile';

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
