import { freezeAfterTimeout } from './poller/frozen';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../core/serviceNames';
import type { ProcessorHandler } from '../processor/src/handler';
import { buildProcessor, type ProcessorWiring } from '../processor/src/processor';

/** Powertools Metrics that hands each EMF document to `sink` instead of printing it (CloudWatch reads stdout). */
export class LocalMetrics extends Metrics {
  constructor(private readonly sink: (emf: ReturnType<Metrics['serializeMetrics']>) => void) {
    super({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME.processor });
  }

  override publishStoredMetrics(): this {
    if (this.hasStoredMetrics()) this.sink(this.serializeMetrics());
    this.clearMetrics();
    return this;
  }
}

/**
 * The real processor, wired as in Lambda (processor/src/processor.ts) for in-process use by the local poller,
 * the dead-letter redrive and the bench: warnings only by default, metrics kept off stdout.
 */
export function localProcessor({ logLevel = 'WARN', metrics, ...wiring }: ProcessorWiring): ProcessorHandler {
  // A timed-out invocation's late calls are refused, as Lambda freezes it (the poller's frozen.ts).
  freezeAfterTimeout(wiring.db);
  return buildProcessor({ ...wiring, logLevel, metrics: metrics ?? new LocalMetrics(() => undefined) });
}
