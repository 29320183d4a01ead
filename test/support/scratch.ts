import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A fresh directory of this test file's own in the temp dir (`<prefix>-XXXXXX`), removed after its tests. Call it
 * at the top of the file or in a hook: it registers the removal with `afterAll`.
 */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
