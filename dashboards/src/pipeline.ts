/**
 * Pipeline health. ClickHouse panels: what reached `events` (by received_at), freshness,
 * load latency, and the ETL run log. Prometheus panels (the api and consumer /metrics,
 * scraped by the compose stack's Prometheus): accepted vs rejected, DLQ, consumer lag.
 */
import type { DashboardSpec } from './kit.js';

/*
 * The panels on what was loaded read mart_events_loaded_minutely (a materialized view's
 * per-minute sums and states of every insert into events): a week of a busy site is ten
 * thousand rows there, against every raw event of the range.
 */
const loaded = 'site_id = ${site:singlequote} AND $__timeFilter(minute)';
/*
 * Long ranges merge the hourly twin's states (a week: 168, against 10,080 minutes): the
 * whole UTC hours inside the range, [from rounded up, to rounded down), plus the minutes
 * of the partial hours at both ends.
 */
const wholeHoursFrom = "toStartOfHour($__fromTime + INTERVAL 3599 SECOND, 'UTC')";
const wholeHoursTo = "toStartOfHour($__toTime, 'UTC')";
/** Up to a day, per-minute points; beyond, per-hour ones. */
const upToADay = "dateDiff('second', $__fromTime, $__toTime) <= 86400";

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
      sql: 'SELECT DISTINCT site_id FROM clickstream.mart_events_loaded_minutely WHERE $__timeFilter(minute) ORDER BY site_id',
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
        'Seconds since the newest event of the site was received by the API, as seen in ClickHouse: the whole path api → Kafka → consumer → ClickHouse (mart_events_loaded_hourly, filled with each insert into events).',
      sql: `
SELECT dateDiff('second', max(last_received), now64(3)) AS freshness_s
FROM clickstream.mart_events_loaded_hourly
WHERE site_id = \${site:singlequote} AND hour >= now() - INTERVAL 31 DAY`,
    },
    {
      kind: 'stat',
      w: 6,
      h: 5,
      title: 'Events loaded (range)',
      description:
        'Rows in events received in the range, by whole minutes of received_at (duplicates not yet merged included); approx_distinct_events: the distinct event ids among them, a HyperLogLog estimate (uniqCombined64 with 2^15 cells: exact up to a few thousand ids, then a standard error of ~0.6 %), from mart_events_loaded_hourly and _minutely.',
      sql: `
SELECT sum(events) AS events, uniqCombined64Merge(15)(distinct_events) AS approx_distinct_events
FROM
(
    SELECT events, distinct_events FROM clickstream.mart_events_loaded_hourly
    WHERE site_id = \${site:singlequote} AND hour >= ${wholeHoursFrom} AND hour < ${wholeHoursTo}
    UNION ALL
    SELECT events, distinct_events FROM clickstream.mart_events_loaded_minutely
    WHERE ${loaded} AND (minute < ${wholeHoursFrom} OR minute >= ${wholeHoursTo})
)`,
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
      description:
        'Rows of the site in events, bucketed by the minute the API received them (mart_events_loaded_minutely).',
      sql: `
SELECT $__timeInterval(minute) AS time, sum(events) AS events
FROM clickstream.mart_events_loaded_minutely
WHERE ${loaded}
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
        "How long an accepted event took to reach ClickHouse: the consumer's lag expressed in time, p50 and p95 (t-digest estimates), by minute of received_at for ranges up to a day (mart_events_loaded_minutely), by hour beyond (mart_events_loaded_hourly).",
      sql: `
SELECT time, q[1] / 1000 AS p50_s, q[2] / 1000 AS p95_s
FROM
(
    SELECT $__timeInterval(minute) AS time, quantilesTDigestMerge(0.5, 0.95)(load_ms) AS q
    FROM clickstream.mart_events_loaded_minutely
    WHERE ${loaded} AND ${upToADay}
    GROUP BY time
    UNION ALL
    SELECT $__timeInterval(hour) AS time, quantilesTDigestMerge(0.5, 0.95)(load_ms) AS q
    FROM clickstream.mart_events_loaded_hourly
    WHERE site_id = \${site:singlequote} AND $__timeFilter(hour) AND NOT ${upToADay}
    GROUP BY time
)
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
