/**
 * The consumer's Prometheus metrics (served on CONSUMER_PORT at /metrics).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createConsumerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'clickstream_consumer_' });
  const metrics = {
    registry,
    rowsInserted: new Counter({
      name: 'clickstream_consumer_rows_inserted_total',
      help: 'Rows inserted into clickstream.events',
      registers: [registry],
    }),
    dlq: new Counter({
      name: 'clickstream_consumer_dlq_total',
      help: 'Messages sent to the dead-letter topic, by reason code',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    batchRows: new Histogram({
      name: 'clickstream_consumer_batch_rows',
      help: 'Rows per ClickHouse insert',
      buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000],
      registers: [registry],
    }),
    insertSeconds: new Histogram({
      name: 'clickstream_consumer_insert_seconds',
      help: 'Duration of one ClickHouse insert (including retries of content errors)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    insertFailures: new Counter({
      name: 'clickstream_consumer_insert_failures_total',
      help: 'Failed insert attempts (retried), by kind: transient, unknown (split after a few tries) or content',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'clickstream_consumer_lag_messages',
      help: 'Messages behind the partition high watermark, as of the last batch',
      labelNames: ['partition'] as const,
      registers: [registry],
    }),
    lastInsert: new Gauge({
      name: 'clickstream_consumer_last_insert_timestamp_seconds',
      help: 'Unix time of the last successful insert',
      registers: [registry],
    }),
    secondsSinceInsert: new Gauge({
      name: 'clickstream_consumer_seconds_since_last_insert',
      help: 'Seconds since the last successful insert (freshness of the loader)',
      registers: [registry],
      collect() {
        const last = (metrics.lastInsertAt ?? 0) / 1000;
        this.set(last === 0 ? -1 : Date.now() / 1000 - last);
      },
    }),
    uaCacheHitRatio: new Gauge({
      name: 'clickstream_consumer_ua_cache_hit_ratio',
      help: 'Share of user-agent parses answered by the LRU cache since start',
      registers: [registry],
    }),
    lastInsertAt: undefined as number | undefined,
  };
  return metrics;
}

export type ConsumerMetrics = ReturnType<typeof createConsumerMetrics>;
