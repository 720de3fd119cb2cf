/**
 * Pipeline health. ClickHouse panels: what reached `events` (by received_at), freshness,
 * load latency, and the ETL run log. Prometheus panels (the api and consumer /metrics,
 * scraped by the compose stack's Prometheus): accepted vs rejected, DLQ, consumer lag.
 */
import type { DashboardSpec } from './kit.js';

/*
 * events is partitioned by toDate(ts), not received_at. The consumer replaces a ts older
 * than CONSUMER_MAX_EVENT_AGE_DAYS (default 30) with received_at, so an event received in
 * the range has ts >= range start - 31 days: this bound lets ClickHouse skip old partitions.
 */
const received = 'site_id = ${site:singlequote} AND $__timeFilter(received_at) AND ts >= $__fromTime - INTERVAL 31 DAY';

export const pipeline: DashboardSpec = {
  uid: 'clickstream-pipeline',
  title: 'Clickstream / Pipeline health',
  description:
    'Events loaded, freshness, load latency, ETL runs and failures (ClickHouse); accepted vs rejected, DLQ and consumer lag (Prometheus).',
  from: 'now-6h',
  variables: [
    {
      name: 'site',
      label: 'Site',
      sql: 'SELECT DISTINCT site_id FROM clickstream.events WHERE $__timeFilter(received_at) AND ts >= $__fromTime - INTERVAL 31 DAY ORDER BY site_id',
    },
  ],
  panels: [
    {
      kind: 'stat',
      w: 6,
      h: 5,
      title: 'Freshness: now − last received_at',
      unit: 's',
      description:
        'Seconds since the newest event of the site was received by the API, as seen in ClickHouse: the whole path api → Kafka → consumer → ClickHouse.',
      sql: `
SELECT dateDiff('second', max(received_at), now64(3)) AS freshness_s
FROM clickstream.events
WHERE site_id = \${site:singlequote} AND ts >= now() - INTERVAL 31 DAY`,
    },
    {
      kind: 'stat',
      w: 6,
      h: 5,
      title: 'Events loaded (range)',
      description: 'Rows in events received in the range (duplicates not yet merged included).',
      sql: `SELECT count() AS events, uniqExact(event_id) AS distinct_events FROM clickstream.events WHERE ${received}`,
    },
    {
      kind: 'stat',
      w: 6,
      h: 5,
      title: 'ETL build failures (range)',
      description: 'Failed (mart, day) builds in etl_runs; graphile-worker retries them.',
      sql: `SELECT countIf(status = 'failed') AS failed_builds, countIf(status = 'ok') AS ok_builds FROM clickstream.etl_runs WHERE $__timeFilter(started_at)`,
    },
    {
      kind: 'stat',
      w: 6,
      h: 5,
      title: 'Consumer: seconds since last insert',
      unit: 's',
      description: "From the consumer's /metrics (Prometheus).",
      prom: [{ expr: 'max(clickstream_consumer_seconds_since_last_insert)', legend: 'seconds' }],
    },
    {
      kind: 'timeseries',
      w: 12,
      title: 'Events loaded per interval (by received_at)',
      interval: '1m',
      description: 'Rows of the site in events, bucketed by the time the API received them.',
      sql: `
SELECT $__timeInterval(received_at) AS time, count() AS events
FROM clickstream.events
WHERE ${received}
GROUP BY time
ORDER BY time`,
    },
    {
      kind: 'timeseries',
      w: 12,
      title: 'Load latency (inserted_at − received_at)',
      unit: 's',
      interval: '1m',
      description:
        "How long an accepted event took to reach ClickHouse: the consumer's lag expressed in time, p50 and p95.",
      sql: `
SELECT $__timeInterval(received_at) AS time,
       quantile(0.5)(dateDiff('millisecond', received_at, inserted_at)) / 1000 AS p50_s,
       quantile(0.95)(dateDiff('millisecond', received_at, inserted_at)) / 1000 AS p95_s
FROM clickstream.events
WHERE ${received}
GROUP BY time
ORDER BY time`,
    },
    {
      kind: 'timeseries',
      w: 12,
      title: 'API: accepted vs rejected events/s by reason',
      description: "From the api's /metrics (Prometheus): events answered 202, and rejected events by reason.",
      prom: [
        { expr: 'sum(rate(clickstream_api_events_accepted_total[$__rate_interval]))', legend: 'accepted' },
        {
          expr: 'sum by (reason) (rate(clickstream_api_events_rejected_total[$__rate_interval]))',
          legend: 'rejected: {{reason}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      w: 12,
      title: 'Consumer lag and DLQ',
      description:
        'Messages behind the high watermark per partition, and messages sent to the dead-letter topic per second by reason (Prometheus).',
      prom: [
        { expr: 'sum by (partition) (clickstream_consumer_lag_messages)', legend: 'lag p{{partition}}' },
        {
          expr: 'sum by (reason) (rate(clickstream_consumer_dlq_total[$__rate_interval]))',
          legend: 'dlq/s: {{reason}}',
        },
      ],
    },
    {
      kind: 'timeseries',
      w: 12,
      title: 'ETL builds per interval',
      interval: '5m',
      description: 'Finished (mart, day) builds from etl_runs, ok and failed.',
      sql: `
SELECT $__timeInterval(started_at) AS time, countIf(status = 'ok') AS ok, countIf(status = 'failed') AS failed
FROM clickstream.etl_runs
WHERE $__timeFilter(started_at)
GROUP BY time
ORDER BY time`,
    },
    {
      kind: 'table',
      w: 12,
      title: 'Mart freshness',
      description:
        'Per mart: the newest day built, the last successful build and its age, failures in the last 24 hours (etl_runs, last 7 days).',
      sql: `
SELECT mart, max(day) AS newest_day, maxIf(finished_at, status = 'ok') AS last_ok,
       dateDiff('second', maxIf(finished_at, status = 'ok'), now64(3)) AS age_s,
       countIf(status = 'failed' AND started_at >= now() - INTERVAL 1 DAY) AS failures_24h
FROM clickstream.etl_runs
WHERE started_at >= now() - INTERVAL 7 DAY
GROUP BY mart
ORDER BY mart`,
    },
    {
      kind: 'table',
      w: 24,
      h: 10,
      title: 'ETL runs',
      description: 'The run log, newest first: one row per (mart, day) build; error holds the failure message.',
      sql: `
SELECT finished_at, mart, day, status, trigger, attempt, rows, duration_ms, worker, error
FROM clickstream.etl_runs
WHERE $__timeFilter(started_at)
ORDER BY started_at DESC
LIMIT 200`,
    },
  ],
};
