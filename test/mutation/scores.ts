import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `npx tsx test/mutation/scores.ts`: the mutation score per folder from the last run's report
 * (reports/mutation/mutation.json), as Stryker counts it: killed and timed-out mutants over every valid one
 * (survivors and mutants no test covers included; compile errors and ignored static mutants left out).
 */
type Status = 'Killed' | 'Timeout' | 'Survived' | 'NoCoverage' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';
interface Report {
  files: Record<string, { mutants: Array<{ status: Status }> }>;
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

if (require.main === module) {
  const root = path.resolve(__dirname, '../..');
  const report = JSON.parse(readFileSync(path.join(root, 'reports/mutation/mutation.json'), 'utf8')) as Report;
  console.log('| folder | score | killed | survived | no coverage |\n|---|---:|---:|---:|---:|');
  for (const [folder, r] of scores(report, root)) {
    console.log(`| ${folder} | ${((100 * r.detected) / r.valid).toFixed(1)}% | ${r.detected} | ${r.survived} | ${r.noCoverage} |`);
  }
}
