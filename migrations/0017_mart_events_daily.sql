-- Custom events per site, site-local day and type: every type but the built-in pageview,
-- impression and click and the identity link identify (Segment tracks and screens, PostHog
-- events, the SDK's track() calls). visitors = distinct persons (identities stitched) who
-- sent that type that day.
CREATE TABLE IF NOT EXISTS mart_events_daily
(
    site_id  LowCardinality(String),
    day      Date,
    type     LowCardinality(String),
    events   UInt64,
    visitors UInt64
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (site_id, day, type);

CREATE TABLE IF NOT EXISTS mart_events_daily_staging AS mart_events_daily
