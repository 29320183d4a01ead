/**
 * The post-deploy smoke: read-only checks that every stack gets, and all that main gets. It writes nothing and
 * touches no stock: readiness (which reads the table), the API description, Swagger UI, that calls without a
 * valid token are refused, and, signed in as the smoke customer (scripts/pipeline/smokeUser.ts), that a real
 * token reads the catalog (availability, never a stock count: those are an admin's) and the customer's own
 * (empty) order list, marked no-store.
 */
export interface SmokeResult {
  check: string;
  ok: boolean;
  detail: string;
}

type Probe = { check: string; path: string; init?: RequestInit; signedIn?: boolean; expect(res: Response, body: string): string | undefined };

const problemJson = (res: Response) => (res.headers.get('content-type') ?? '').startsWith('application/problem+json');

const PROBES: Probe[] = [
  {
    check: 'readiness: the task answers and reaches its table',
    path: '/v1/health/ready',
    expect: (res, body) => (res.status === 200 && (JSON.parse(body) as { status?: string }).status === 'ok' ? undefined : `want 200 {"status":"ok"}`),
  },
  {
    check: 'OpenAPI 3.1 document',
    path: '/v1/openapi.json',
    expect: (res, body) =>
      res.status === 200 && String((JSON.parse(body) as { openapi?: string }).openapi).startsWith('3.1') ? undefined : 'want 200 with openapi 3.1.x',
  },
  {
    check: 'Swagger UI',
    path: '/order_docs',
    expect: (res, body) => (res.status === 200 && /swagger/i.test(body) ? undefined : 'want 200 HTML with Swagger UI'),
  },
  {
    check: 'catalog refuses a call without a token',
    path: '/v1/products',
    expect: (res) =>
      res.status === 401 && /^Bearer/.test(res.headers.get('www-authenticate') ?? '') && problemJson(res)
        ? undefined
        : 'want 401 problem+json with WWW-Authenticate: Bearer',
  },
  {
    check: 'orders refuse a forged token, before reading the body',
    path: '/v1/orders',
    init: {
      method: 'POST',
      headers: { Authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzbW9rZSJ9.c21va2U', 'Content-Type': 'application/json' },
      body: JSON.stringify({ items: [{ sku: 'SMOKE-TEST', quantity: 1 }] }),
    },
    expect: (res) => (res.status === 401 && problemJson(res) ? undefined : 'want 401 problem+json'),
  },
  {
    check: 'a signed-in customer reads the catalog, without stock counts',
    path: '/v1/products?limit=100',
    signedIn: true,
    expect: (res, body) => {
      const items = res.status === 200 ? (JSON.parse(body) as { items?: unknown }).items : undefined;
      return Array.isArray(items) && res.headers.get('cache-control') === 'no-store' && !items.some((p) => typeof p === 'object' && p !== null && 'stock' in p)
        ? undefined
        : 'want 200 {items: [...]} with Cache-Control: no-store, and no product showing its stock';
    },
  },
  {
    check: 'a signed-in customer reads its own order list',
    path: '/v1/orders?limit=1',
    signedIn: true,
    expect: (res, body) => (res.status === 200 && Array.isArray((JSON.parse(body) as { items?: unknown }).items) ? undefined : 'want 200 {items: [...]}'),
  },
];

/** Runs every probe once; readiness is retried for `healthWaitMs` (new tasks may still be registering). */
export async function smoke(apiUrl: string, options: { token: string; healthWaitMs?: number; timeoutMs?: number }): Promise<SmokeResult[]> {
  const base = apiUrl.replace(/\/$/, '');
  const deadline = Date.now() + (options.healthWaitMs ?? 0);
  const results: SmokeResult[] = [];
  for (const probe of PROBES) {
    let result: SmokeResult;
    for (;;) {
      try {
        const headers = {
          ...(probe.init?.headers as Record<string, string> | undefined),
          ...(probe.signedIn ? { Authorization: `Bearer ${options.token}` } : {}),
        };
        const res = await fetch(`${base}${probe.path}`, {
          ...probe.init,
          headers,
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        const body = await res.text();
        let problem: string | undefined;
        try {
          problem = probe.expect(res, body);
        } catch {
          problem = 'unreadable body';
        }
        result = { check: probe.check, ok: !problem, detail: problem ? `${problem}, got ${res.status} ${body.slice(0, 120)}` : `${res.status}` };
      } catch (err) {
        result = { check: probe.check, ok: false, detail: (err as Error).message };
      }
      if (result.ok || probe.path !== '/v1/health/ready' || Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    results.push(result);
  }
  return results;
}
