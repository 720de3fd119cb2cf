-- Clicks per page on a coarse grid: grid_x / grid_y are the left / top pixel edge of the
-- cell (floor(x / ETL_HEATMAP_BUCKET_PX) * bucket), so charts need not know the bucket.
CREATE TABLE IF NOT EXISTS mart_heatmap_daily
(
    site_id LowCardinality(String),
    day     Date,
    path    String,
    grid_x  Int32,
    grid_y  Int32,
    clicks  UInt64
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (site_id, day, path, grid_x, grid_y);

CREATE TABLE IF NOT EXISTS mart_heatmap_daily_staging AS mart_heatmap_daily
