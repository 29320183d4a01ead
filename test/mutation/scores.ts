import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `npx tsx test/mutation/scores.ts`: the mutation score per folder from the last run's report
 * (reports/mutation/mutation.json), as Stryker counts it: killed and timed-out mutants over every valid one
 * (survivors and mutants no test covers included; compile errors and ignored static mutants left out).
 * `--survivors <folder>` lists that folder's surviving mutants instead.
 */
type Status = 'Killed' | 'Timeout' | 'Survived' | 'NoCoverage' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';
interface Mutant {
  status: Status;
  mutatorName?: string;
  replacement?: string;
  location?: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

export const FOLDERS = ['core', 'processor/src', 'service/src/http', 'service/src/auth', 'service/src/routes', 'local/poller', 'loadtest/lib', 'infra/policy'];

export function scores(report: Report, root: string) {
  const rows = new Map<string, { detected: number; valid: number; survived: number; noCoverage: number }>();
  const add = (key: string, status: Status) => {
    const row = rows.get(key) ?? { detected: 0, valid: 0, survived: 0, noCoverage: 0 };
    if (status === 'Killed' || status === 'Timeout') row.detected++;
    if (status === 'Survived') row.survived++;
    if (status === 'NoCoverage') row.noCoverage++;
    if (['Killed', 'Timeout', 'Survived', 'NoCoverage'].includes(status)) row.valid++;
    rows.set(key, row);
  };
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const relative = path.relative(root, path.resolve(root, file));
    const folder = FOLDERS.find((f) => relative.startsWith(`${f}/`)) ?? 'other';
    for (const m of mutants) {
      add(folder, m.status);
      add('all', m.status);
    }
  }
  return rows;
}

/** The mutants no test noticed in files under `folder`, one line each: where, which mutator, what it wrote. */
export function survivors(report: Report, root: string, folder: string): string[] {
  const lines: string[] = [];
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const relative = path.relative(root, path.resolve(root, file));
    if (!relative.startsWith(`${folder}/`)) continue;
    for (const m of mutants) {
      if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
      const at = m.location ? `${m.location.start.line}:${m.location.start.column}` : '?';
      lines.push(`${relative}:${at} ${m.status} ${m.mutatorName ?? ''} → ${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 100)}`);
    }
  }
  return lines.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

if (require.main === module) {
  const root = path.resolve(__dirname, '../..');
  const report = JSON.parse(readFileSync(path.join(root, 'reports/mutation/mutation.json'), 'utf8')) as Report;
  // `-- --survivors core`: list a folder's surviving mutants instead of the scores.
  const folder = process.argv[process.argv.indexOf('--survivors') + 1];
  if (process.argv.includes('--survivors') && folder) {
    for (const line of survivors(report, root, folder)) console.log(line);
    process.exit(0);
  }
  console.log('| folder | score | killed | survived | no coverage |\n|---|---:|---:|---:|---:|');
  for (const [folder, r] of scores(report, root)) {
    console.log(`| ${folder} | ${((100 * r.detected) / r.valid).toFixed(1)}% | ${r.detected} | ${r.survived} | ${r.noCoverage} |`);
  }
}
