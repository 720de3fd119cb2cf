-- Visitors reaching each step of each configured funnel (ETL_FUNNELS_FILE) that day,
-- counted with windowFunnel: step N counts visitors who did steps 1..N in order within
-- the funnel's window.
CREATE TABLE IF NOT EXISTS mart_funnel_daily
(
    site_id   LowCardinality(String),
    day       Date,
    funnel    LowCardinality(String),
    step      UInt8,
    step_name String,
    visitors  UInt64
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (site_id, day, funnel, step);

CREATE TABLE IF NOT EXISTS mart_funnel_daily_staging AS mart_funnel_daily
