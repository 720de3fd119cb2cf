/**
 * The API's Prometheus metrics, registered on an injected prom-client Registry.
 *
 * Every label has a bounded set of values (routes and methods are normalized, rejection
 * reasons are codes from a fixed list), so a hostile client cannot blow up cardinality.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

/** The metric objects the API updates. */
export interface ApiMetrics {
  /** Labels: `route` (known path or "other"), `method`, `status`. */
  requests: Counter<'route' | 'method' | 'status'>;
  eventsAccepted: Counter;
  /** Label `reason`: a per-event code ("invalid_type", "created_at_future", "sink_unavailable", ...). */
  eventsRejected: Counter<'reason'>;
  /** Seconds spent in `sink.send`; label `outcome`: ok, error, timeout. */
  produceDuration: Histogram<'outcome'>;
  /** Events per request as sent (valid and invalid together). */
  batchSize: Histogram;
  /** POST /events refused before the body was read; label `reason`: sink_down, sink_busy, overloaded. */
  requestsShed: Counter<'reason'>;
}

/**
 * Create the API metrics on `registry`, or reuse them when this registry already has them
 * (prom-client throws on registering a name twice, e.g. when two apps share a registry).
 */
export function createApiMetrics(registry: Registry): ApiMetrics {
  const reuse = <M>(name: string, make: () => M): M => (registry.getSingleMetric(name) as M | undefined) ?? make();
  return {
    requests: reuse(
      'clickstream_api_requests_total',
      () =>
        new Counter({
          name: 'clickstream_api_requests_total',
          help: 'HTTP requests answered, by route, method and status',
          labelNames: ['route', 'method', 'status'] as const,
          registers: [registry],
        }),
    ),
    eventsAccepted: reuse(
      'clickstream_api_events_accepted_total',
      () =>
        new Counter({
          name: 'clickstream_api_events_accepted_total',
          help: 'Events acknowledged by the sink and answered with 202',
          registers: [registry],
        }),
    ),
    eventsRejected: reuse(
      'clickstream_api_events_rejected_total',
      () =>
        new Counter({
          name: 'clickstream_api_events_rejected_total',
          help: 'Events not accepted, by reason',
          labelNames: ['reason'] as const,
          registers: [registry],
        }),
    ),
    produceDuration: reuse(
      'clickstream_api_produce_duration_seconds',
      () =>
        new Histogram({
          name: 'clickstream_api_produce_duration_seconds',
          help: 'Time spent in one sink.send (one per request), by outcome',
          labelNames: ['outcome'] as const,
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
          registers: [registry],
        }),
    ),
    batchSize: reuse(
      'clickstream_api_batch_size',
      () =>
        new Histogram({
          name: 'clickstream_api_batch_size',
          help: 'Events per POST /events request, as sent',
          buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
          registers: [registry],
        }),
    ),
    requestsShed: reuse(
      'clickstream_api_requests_shed_total',
      () =>
        new Counter({
          name: 'clickstream_api_requests_shed_total',
          help: 'POST /events answered 503 before the body was read, by reason (sink_down, sink_busy, overloaded)',
          labelNames: ['reason'] as const,
          registers: [registry],
        }),
    ),
  };
}
