-- What reached `events`, per site and minute (and hour) of received_at, for the Pipeline
-- dashboard: rows loaded, an estimate of the distinct event ids among them, how long they took from
-- the API to ClickHouse (inserted_at - received_at), and the newest received_at. A
-- materialized view aggregates every insert into events, so the panels read a few thousand
-- rows a week instead of scanning every raw event of the range (10M rows took ~0.5-2 s).
-- The hourly twin is for long ranges: merging a week of minute states (10,080 of them)
-- costs ~100-250 ms; a week of hours is 168.
--
-- Filled from the moment this migration runs: events loaded before it are not counted here
-- (the panels are about the pipeline's recent behaviour; raw events stay queryable).
-- distinct_events is a HyperLogLog estimate (uniqCombined64 with 2^15 cells: standard error
-- ~0.6 %; a week of hourly states merges in ~30 ms, twice as fast as with 2^17 cells): an
-- exact distinct count over a range has to hold every id of the range in memory, which
-- per-minute states cannot avoid. Kept 93 days, like operational metrics; the marts are the long-term history.
CREATE TABLE IF NOT EXISTS mart_events_loaded_minutely
(
    site_id         LowCardinality(String),
    minute          DateTime('UTC'),
    events          SimpleAggregateFunction(sum, UInt64),
    distinct_events AggregateFunction(uniqCombined64(15), UUID),
    load_ms         AggregateFunction(quantilesTDigest(0.5, 0.95), Int64),
    last_received   SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(minute)
ORDER BY (site_id, minute)
TTL minute + INTERVAL 93 DAY DELETE;

CREATE MATERIALIZED VIEW IF NOT EXISTS mart_events_loaded_minutely_mv TO mart_events_loaded_minutely AS
SELECT
    site_id,
    toStartOfMinute(received_at) AS minute,
    toUInt64(count()) AS events,
    uniqCombined64State(15)(event_id) AS distinct_events,
    quantilesTDigestState(0.5, 0.95)(toInt64(dateDiff('millisecond', received_at, inserted_at))) AS load_ms,
    max(received_at) AS last_received
FROM events
GROUP BY site_id, minute;

CREATE TABLE IF NOT EXISTS mart_events_loaded_hourly
(
    site_id         LowCardinality(String),
    hour            DateTime('UTC'),
    events          SimpleAggregateFunction(sum, UInt64),
    distinct_events AggregateFunction(uniqCombined64(15), UUID),
    load_ms         AggregateFunction(quantilesTDigest(0.5, 0.95), Int64),
    last_received   SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(hour)
ORDER BY (site_id, hour)
TTL hour + INTERVAL 93 DAY DELETE;

CREATE MATERIALIZED VIEW IF NOT EXISTS mart_events_loaded_hourly_mv TO mart_events_loaded_hourly AS
SELECT
    site_id,
    toStartOfHour(received_at) AS hour,
    toUInt64(count()) AS events,
    uniqCombined64State(15)(event_id) AS distinct_events,
    quantilesTDigestState(0.5, 0.95)(toInt64(dateDiff('millisecond', received_at, inserted_at))) AS load_ms,
    max(received_at) AS last_received
FROM events
GROUP BY site_id, hour
