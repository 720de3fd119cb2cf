-- Distinct visitors and sessions active that day, per device type, browser and OS of
-- their events.
CREATE TABLE IF NOT EXISTS mart_devices_daily
(
    site_id     LowCardinality(String),
    day         Date,
    device_type LowCardinality(String),
    browser     LowCardinality(String),
    os          LowCardinality(String),
    visitors    UInt64,
    sessions    UInt64
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (site_id, day, device_type, browser, os);

CREATE TABLE IF NOT EXISTS mart_devices_daily_staging AS mart_devices_daily
