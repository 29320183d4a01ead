import { createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import { openApiDocument } from '../../service/src/openapi';
import { run } from '../pipeline/cli';

/**
 * The published OpenAPI document under Redocly's `recommended` rules (the ones `redocly lint` applies, from
 * the engine behind it): what a generated client or a docs tool would trip over. Part of `npm run lint`.
 */
/**
 * Findings accepted on purpose, each with its reason (as a `.redocly.lint-ignore.yaml` would hold them): the
 * health checks take no input, so no request to them can be a client error.
 */
export const ACCEPTED: ReadonlyArray<{ ruleId: string; pointer: string; why: string }> = [
  { ruleId: 'operation-4xx-response', pointer: '#/paths/~1v1~1health/get/responses', why: 'liveness takes no input' },
  { ruleId: 'operation-4xx-response', pointer: '#/paths/~1v1~1health~1ready/get/responses', why: 'readiness takes no input' },
];

export async function lintOpenApi(document: object = openApiDocument()): Promise<NormalizedProblem[]> {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
  return problems.filter((p) => !ACCEPTED.some((a) => a.ruleId === p.ruleId && p.location.some((l) => l.pointer === a.pointer)));
}

if (require.main === module) {
  run(async () => {
    const problems = await lintOpenApi();
    for (const p of problems) console.log(`${p.severity.padEnd(7)} ${p.ruleId}: ${p.message} (${p.location.map((l) => l.pointer).join(', ')})`);
    if (problems.length > 0) throw new Error(`the OpenAPI document has ${problems.length} lint problem(s)`);
    console.log('OpenAPI document: lint-clean under Redocly recommended rules');
  });
}
