-- Conversions of the day credited to the first / last click of the same visitor within
-- the lookback window before the conversion (ETL_ATTRIBUTION_WINDOW_DAYS); with no such
-- click, to channel '(none)'. revenue from payload.revenue (properties['revenue']).
CREATE TABLE IF NOT EXISTS mart_attribution_daily
(
    site_id      LowCardinality(String),
    day          Date,
    model        LowCardinality(String),
    channel      LowCardinality(String),
    utm_source   LowCardinality(String),
    utm_campaign LowCardinality(String),
    element_id   String,
    conversions  UInt64,
    revenue      Float64
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (site_id, day, model, channel, utm_source, utm_campaign, element_id);

CREATE TABLE IF NOT EXISTS mart_attribution_daily_staging AS mart_attribution_daily
