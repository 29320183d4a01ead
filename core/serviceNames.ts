/**
 * Names the runtimes, the traces, the dashboards and the alarms share, defined once (Powertools reads the
 * processor's from POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE, which infra/ sets from these).
 */
export const SERVICE_NAME = { api: 'orders-api', processor: 'orders-processor' } as const;

/** The CloudWatch namespace of the processor's EMF metrics. */
export const METRICS_NAMESPACE = 'Orders';
