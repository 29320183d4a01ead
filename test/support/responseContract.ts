import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Middleware } from 'koa';
import { openApiDocument } from '../../service/src/openapi';

/**
 * Holds every response the API tests receive to the published OpenAPI document: the status must be declared
 * for the operation, and a JSON body must match the declared schema for its media type. Installed as the
 * outermost middleware of the test app, so it sees what a client sees; what it finds is reported when the test
 * file's API closes, so spec and behaviour cannot drift apart unnoticed.
 */
/** Routes that serve the document and its viewer rather than the API (the document does not describe itself). */
const NOT_IN_THE_DOCUMENT = [/^\/v1\/openapi\.json$/, /^\/order_docs/];

export function responseContract() {
  const document = openApiDocument() as unknown as {
    paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi.json');
  const violations: string[] = [];
  const checked = { responses: 0 };

  const middleware: Middleware = async (ctx, next) => {
    await next();
    // @koa/router leaves the template that matched (`/v1/orders/:orderId`); unknown routes are not the spec's.
    const matched = (ctx as { _matchedRoute?: string })._matchedRoute;
    if (!matched) return;
    const path = matched.replace(/:(\w+)/g, '{$1}');
    if (NOT_IN_THE_DOCUMENT.some((route) => route.test(path))) return;
    if (!document.paths[path]) return void violations.push(`${ctx.method} ${path}: a route the document does not publish`);
    const operation = document.paths[path][ctx.method.toLowerCase()];
    if (!operation) return; // a method the route does not have: 405, answered by the router, not an operation
    checked.responses++;
    const where = `${ctx.method} ${path} → ${ctx.status}`;
    const declared = operation.responses[String(ctx.status)] ?? operation.responses[`${String(ctx.status)[0]}XX`] ?? operation.responses.default;
    if (!declared) return void violations.push(`${where}: status not declared`);
    const type = String(ctx.response.get('Content-Type')).split(';')[0]!.trim();
    const hasBody = ctx.body !== undefined && ctx.body !== null;
    if (!declared.content) return void (hasBody ? violations.push(`${where}: a body where the document declares none`) : undefined);
    if (!hasBody) return void violations.push(`${where}: no body where the document declares ${Object.keys(declared.content).join(', ')}`);
    const media = declared.content[type];
    if (!media) return void violations.push(`${where}: ${type} not declared (declared: ${Object.keys(declared.content).join(', ')})`);
    const status = operation.responses[String(ctx.status)] ? String(ctx.status) : `${String(ctx.status)[0]}XX`;
    const pointer = `openapi.json#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${ctx.method.toLowerCase()}/responses/${status}/content/${type.replace(/\//g, '~1')}/schema`;
    const validate = ajv.getSchema(pointer);
    if (!validate) return void violations.push(`${where}: no schema at ${pointer}`);
    if (!validate(ctx.body)) violations.push(`${where}: body does not match: ${ajv.errorsText(validate.errors)}`);
  };
  return { middleware, violations, checked };
}
