-- Per page and day: pageviews and distinct visitors of that day's pageviews; entries /
-- exits = sessions started that day whose entry / exit page it is.
CREATE TABLE IF NOT EXISTS mart_pages_daily
(
    site_id   LowCardinality(String),
    day       Date,
    path      String,
    pageviews UInt64,
    visitors  UInt64,
    entries   UInt64,
    exits     UInt64
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (site_id, day, path);

CREATE TABLE IF NOT EXISTS mart_pages_daily_staging AS mart_pages_daily
