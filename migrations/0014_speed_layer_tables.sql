-- Speed layer for mart_traffic_hourly and mart_ctr_daily: today's numbers within seconds
-- instead of after the next hourly rebuild. The exact rebuilt tables move to *_exact (the
-- tables REPLACE PARTITION swaps into); materialized views aggregate every insert into
-- events into *_speed tables; migration 0015 puts views with the public names over both.
--
-- built_until: every row of an exact build carries the instant the build counted up to
-- (events with ts at or after it are left to the speed layer). It travels with the
-- partition, so the swap that replaces a day also moves the hand-over point atomically.
-- Rows built before this migration cover their whole day.
RENAME TABLE IF EXISTS mart_traffic_hourly TO mart_traffic_hourly_exact;
ALTER TABLE mart_traffic_hourly_exact
    ADD COLUMN IF NOT EXISTS built_until DateTime('UTC') DEFAULT toStartOfDay(hour) + INTERVAL 1 DAY;
ALTER TABLE mart_traffic_hourly_staging
    ADD COLUMN IF NOT EXISTS built_until DateTime('UTC') DEFAULT toStartOfDay(hour) + INTERVAL 1 DAY;

RENAME TABLE IF EXISTS mart_ctr_daily TO mart_ctr_daily_exact;
-- a local day ends at most 14 h after the UTC day of the same date (UTC-12 is the latest)
ALTER TABLE mart_ctr_daily_exact
    ADD COLUMN IF NOT EXISTS built_until DateTime('UTC') DEFAULT toDateTime(day, 'UTC') + INTERVAL 36 HOUR;
ALTER TABLE mart_ctr_daily_staging
    ADD COLUMN IF NOT EXISTS built_until DateTime('UTC') DEFAULT toDateTime(day, 'UTC') + INTERVAL 36 HOUR;

-- Per site and UTC hour, what the exact build counts, from every inserted row: duplicates
-- not yet merged away count twice here; visitors and sessions are distinct ids before
-- identity stitching (the exact build's rules are in etl/README.md). Kept 8 days: only
-- hours the exact layer has not built yet are ever read.
CREATE TABLE IF NOT EXISTS mart_traffic_hourly_speed
(
    site_id     LowCardinality(String),
    hour        DateTime('UTC'),
    pageviews   SimpleAggregateFunction(sum, UInt64),
    impressions SimpleAggregateFunction(sum, UInt64),
    clicks      SimpleAggregateFunction(sum, UInt64),
    visitors    AggregateFunction(uniqExact, String),
    sessions    AggregateFunction(uniqExact, String),
    events      SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(hour)
ORDER BY (site_id, hour)
TTL hour + INTERVAL 8 DAY DELETE;

CREATE MATERIALIZED VIEW IF NOT EXISTS mart_traffic_hourly_speed_mv TO mart_traffic_hourly_speed AS
SELECT
    site_id,
    toStartOfHour(ts) AS hour,
    toUInt64(countIf(type = 'pageview')) AS pageviews,
    toUInt64(countIf(type = 'impression')) AS impressions,
    toUInt64(countIf(type = 'click')) AS clicks,
    uniqExactState(multiIf(user_id != '', concat('u:', user_id), anonymous_id != '', concat('a:', anonymous_id), visitor_id)) AS visitors,
    uniqExactState(if(session_id != '', session_id, concat('anon-', visitor_id))) AS sessions,
    toUInt64(count()) AS events
FROM events
WHERE NOT is_bot AND type != 'identify'
GROUP BY site_id, hour;

-- Per site, local day (site_date), UTC hour, page and element: impressions and clicks. The
-- hour is what the hand-over to the exact layer is decided on.
CREATE TABLE IF NOT EXISTS mart_ctr_daily_speed
(
    site_id     LowCardinality(String),
    day         Date,
    hour        DateTime('UTC'),
    path        String,
    element_id  String,
    impressions SimpleAggregateFunction(sum, UInt64),
    clicks      SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY day
ORDER BY (site_id, day, hour, path, element_id)
TTL day + INTERVAL 8 DAY DELETE;

CREATE MATERIALIZED VIEW IF NOT EXISTS mart_ctr_daily_speed_mv TO mart_ctr_daily_speed AS
SELECT
    site_id,
    site_date AS day,
    toStartOfHour(ts) AS hour,
    path,
    element_id,
    toUInt64(countIf(type = 'impression')) AS impressions,
    toUInt64(countIf(type = 'click')) AS clicks
FROM events
WHERE NOT is_bot AND type IN ('impression', 'click') AND element_id != ''
GROUP BY site_id, day, hour, path, element_id
