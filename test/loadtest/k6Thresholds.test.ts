import { readFileSync } from 'node:fs';
import path from 'node:path';
import { k6Options } from '../../loadtest/lib/config';
import { evaluateThresholds } from '../../loadtest/lib/stats';
import { readLoadConfig } from '../../loadtest/local/loadConfig';

/**
 * The gate's thresholds as k6 reads them, with k6's rules taken from its documentation, not from our code:
 * - "Threshold syntax" (https://grafana.com/docs/k6/latest/using-k6/thresholds/): an expression is
 *   `<aggregation_method> <operator> <value>`, the operators `>`, `>=`, `<=`, `<`, `==`, `===`, `!=`; the object form
 *   takes `threshold`, `abortOnFail` and `delayAbortEval`, a duration such as `10s`.
 * - The aggregation methods each metric type allows (https://grafana.com/docs/k6/latest/javascript-api/k6-metrics/):
 *   Counter `count` and `rate`, Gauge `value`, Rate `rate`, Trend `avg`, `min`, `max`, `med` and `p(N)`.
 * - The built-in metrics' types (https://grafana.com/docs/k6/latest/using-k6/metrics/reference/): `http_req_failed`
 *   is a Rate, `http_req_duration` a Trend. The custom ones' types are what the k6 script declares.
 * k6 refuses to start on a threshold it cannot parse; one it can parse but that says another number than the local
 * runner judges by would make the two gates disagree, which the second test catches.
 */
const AGGREGATIONS: Record<string, RegExp> = {
  Counter: /^(count|rate)$/,
  Gauge: /^value$/,
  Rate: /^rate$/,
  Trend: /^(avg|min|max|med|p\((\d+(\.\d+)?)\))$/,
};
const EXPRESSION = /^\s*(\S+?)\s*(>=|<=|===|==|!=|>|<)\s*(-?\d+(\.\d+)?)\s*$/;
const DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;
const BUILT_IN: Record<string, string> = { http_req_failed: 'Rate', http_req_duration: 'Trend' };

/** The custom metrics the k6 script declares, with their types. */
function declaredMetrics(): Record<string, string> {
  const script = readFileSync(path.join(__dirname, '../../loadtest/k6/orders.ts'), 'utf8');
  return Object.fromEntries([...script.matchAll(/new (Counter|Gauge|Rate|Trend)\('([a-z0-9_]+)'/g)].map((m) => [m[2]!, m[1]!]));
}

interface Parsed {
  aggregation: string;
  operator: string;
  value: number;
}

function parse(expression: string, type: string): Parsed {
  const m = EXPRESSION.exec(expression);
  if (!m) throw new Error(`'${expression}' is not <aggregation> <operator> <value>`);
  const [, aggregation, operator, value] = m;
  if (!AGGREGATIONS[type]!.test(aggregation!)) throw new Error(`'${aggregation}' is no aggregation of a ${type}`);
  return { aggregation: aggregation!, operator: operator!, value: Number(value) };
}

/** Whether k6 would pass the threshold, given the aggregated value. */
function passes({ operator, value: limit }: Parsed, value: number): boolean {
  switch (operator) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '!=':
      return value !== limit;
    default:
      return value === limit;
  }
}

type Entry = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };
const expressionOf = (entry: Entry) => (typeof entry === 'string' ? entry : entry.threshold);

const config = readLoadConfig();
const metricTypes = { ...BUILT_IN, ...declaredMetrics() };

describe('the k6 thresholds', () => {
  it('are all expressions k6 parses, on metrics the script declares or k6 builds in, for every stack and scenario', () => {
    for (const stack of Object.keys(config.thresholds)) {
      for (const scenario of Object.keys(config.scenarios)) {
        const thresholds = k6Options(config, scenario, stack).thresholds as Record<string, Entry[]>;
        for (const [metric, entries] of Object.entries(thresholds)) {
          const type = metricTypes[metric];
          expect([stack, scenario, metric, type]).toEqual([stack, scenario, metric, expect.any(String)]);
          expect(entries.length).toBeGreaterThan(0);
          for (const entry of entries) {
            expect(() => parse(expressionOf(entry), type!)).not.toThrow();
            if (typeof entry !== 'string' && entry.delayAbortEval !== undefined) expect(entry.delayAbortEval).toMatch(DURATION);
          }
        }
      }
    }
  });

  it('pass and fail where the local runner’s verdict does, at each bound of each stack', () => {
    for (const [stack, t] of Object.entries(config.thresholds)) {
      const k6 = k6Options(config, 'gate', stack).thresholds as Record<string, Entry[]>;
      // Every figure just inside its bound, then every figure at its bound.
      const inside = { requests: 1000, failed: Math.floor(1000 * t.httpReqFailedRate) - 1, latenciesMs: [t.p95Ms - 1], e2eMs: [t.e2eP95Ms - 1] };
      const atBound = { requests: 1000, failed: Math.ceil(1000 * t.httpReqFailedRate), latenciesMs: [t.p99Ms], e2eMs: [t.e2eP99Ms] };
      for (const stats of [inside, atBound]) {
        const local = evaluateThresholds(stats, t);
        expect(local.length).toBeGreaterThan(0);
        for (const result of local) {
          const type = metricTypes[result.metric]!;
          const same = (k6[result.metric] ?? []).map(expressionOf).filter((e) => e.replace(/\s/g, '') === result.threshold.replace(/\s/g, ''));
          expect([stack, result.metric, result.threshold, same.length]).toEqual([stack, result.metric, result.threshold, 1]);
          expect([stack, result.threshold, result.value, passes(parse(same[0]!, type), result.value)]).toEqual([
            stack,
            result.threshold,
            result.value,
            result.ok,
          ]);
        }
      }
    }
  });
});
