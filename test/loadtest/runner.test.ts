import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../local/process';
import { takeLoadTurn } from '../support/loadTurns';

takeLoadTurn();

const ROOT = path.resolve(__dirname, '../..');

/** `npm run loadtest -- --scenario smoke` on a stack it starts itself: the gate docs/pipeline.md promises. */
it('runs the smoke scenario end to end and passes its thresholds', async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'loadtest-'));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'loadtest/local/run.ts', '--scenario', 'smoke', '--out', out],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: String(await freePort()) },
    },
  );
  expect(stdout).toMatch(/PASSED/);
  const files = readdirSync(out);
  const report = JSON.parse(
    readFileSync(
      path.join(
        out,
        files.find((f) => f.startsWith('smoke-') && f.endsWith('.json'))!,
      ),
      'utf8',
    ),
  );
  expect(report).toMatchObject({ scenario: 'smoke', stack: 'local', failed: 0, passed: true });
  expect(report.requests).toBeGreaterThanOrEqual(40);
  expect(report.e2eMs.orders).toBeGreaterThan(30);
  expect(report.e2eMs.undecided).toBe(0);
  expect(files.some((f) => f.endsWith('.html'))).toBe(true);
}, 120_000);
