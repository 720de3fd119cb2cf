-- Sessions started that day by their source (the first event's channel, referrer and
-- utm); conversions = conversion events (ETL_CONVERSION_TYPES) inside those sessions.
CREATE TABLE IF NOT EXISTS mart_sources_daily
(
    site_id         LowCardinality(String),
    day             Date,
    channel         LowCardinality(String),
    referrer_domain LowCardinality(String),
    utm_source      LowCardinality(String),
    utm_medium      LowCardinality(String),
    utm_campaign    LowCardinality(String),
    visitors        UInt64,
    sessions        UInt64,
    conversions     UInt64
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (site_id, day, channel, referrer_domain, utm_source, utm_medium, utm_campaign);

CREATE TABLE IF NOT EXISTS mart_sources_daily_staging AS mart_sources_daily
