import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * The processor's only view of tracing. Powertools Tracer (X-Ray) sits behind it today; X-Ray's SDKs reach end
 * of support on 2027-02-25, and an OpenTelemetry implementation of these two methods is all a switch needs.
 */
export interface Tracing {
  /** Runs `work` in a named subsegment/span, recording its error if it throws. */
  span<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** A searchable key/value on the current span (order id, outcome). */
  annotate(key: string, value: string | number | boolean): void;
}

export const noTracing: Tracing = {
  span: (_name, work) => work(),
  annotate: () => undefined,
};

export function powertoolsTracing(serviceName: string): Tracing {
  const tracer = new Tracer({ serviceName, captureHTTPsRequests: true });
  if (!tracer.isTracingEnabled()) return noTracing;
  return {
    async span(name, work) {
      const parent = tracer.getSegment();
      if (!parent) return work();
      const sub = parent.addNewSubsegment(name);
      tracer.setSegment(sub);
      try {
        return await work();
      } catch (err) {
        sub.addError(err as Error);
        throw err;
      } finally {
        sub.close();
        tracer.setSegment(parent);
      }
    },
    annotate: (key, value) => tracer.putAnnotation(key, value),
  };
}
