-- Traffic per site and hour. visitors / sessions are exact distinct counts within the hour
-- (a session active in two hours counts in both). Built per UTC day by etl/: the staging
-- table has the same structure so `REPLACE PARTITION ... FROM` can swap a day atomically.
CREATE TABLE IF NOT EXISTS mart_traffic_hourly
(
    site_id     LowCardinality(String),
    hour        DateTime('UTC'),
    pageviews   UInt64,
    impressions UInt64,
    clicks      UInt64,
    visitors    UInt64,
    sessions    UInt64,
    events      UInt64
)
ENGINE = MergeTree
PARTITION BY toDate(hour)
ORDER BY (site_id, hour);

CREATE TABLE IF NOT EXISTS mart_traffic_hourly_staging AS mart_traffic_hourly
