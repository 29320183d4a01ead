import { ACCEPTED, lintOpenApi } from '../../scripts/openapi/lint';
import { openApiDocument } from '../../service/src/openapi';

/** The published document under Redocly's recommended rules, as `npm run lint` runs them; and the rules bite. */
describe('the OpenAPI document', () => {
  it('is lint-clean, with named operations in tagged groups, a license, and no auth on the health checks', async () => {
    const document = openApiDocument();
    expect(await lintOpenApi(document)).toEqual([]);
    const operations = Object.values(document.paths ?? {}).flatMap((item) => Object.values(item as Record<string, { operationId?: string; tags?: string[] }>));
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(operations.length);
    expect(document.paths?.['/v1/health']?.get?.security).toEqual([]);
    expect(ACCEPTED.every((a) => a.why.length > 0)).toBe(true);
  });

  it('reports what a generated client trips over: an operation without an id, a missing license', async () => {
    const document = openApiDocument();
    delete (document.paths!['/v1/orders']!.post as { operationId?: string }).operationId;
    delete (document.info as { license?: unknown }).license;
    expect((await lintOpenApi(document)).map((p) => p.ruleId).sort()).toEqual(['info-license', 'operation-operationId']);
  });
});
