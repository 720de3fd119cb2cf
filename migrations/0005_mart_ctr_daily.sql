-- Impressions and clicks of one element on one page per day; CTR = clicks / impressions
-- in queries (never stored, so sums over days stay correct). Events without element_id
-- are not counted here.
CREATE TABLE IF NOT EXISTS mart_ctr_daily
(
    site_id     LowCardinality(String),
    day         Date,
    path        String,
    element_id  String,
    impressions UInt64,
    clicks      UInt64
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (site_id, day, path, element_id);

CREATE TABLE IF NOT EXISTS mart_ctr_daily_staging AS mart_ctr_daily
