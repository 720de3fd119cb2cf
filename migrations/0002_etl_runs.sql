-- The ETL run log: one row per finished (mart, day) build, ok or failed. The pipeline
-- dashboard reads it (freshness, failures, durations); etl/run-log.ts writes it.
-- Kept 180 days: it is an operational log, not history.
CREATE TABLE IF NOT EXISTS etl_runs
(
    run_id      UUID,
    mart        LowCardinality(String),
    day         Date,
    range_from  DateTime64(3, 'UTC'),
    range_to    DateTime64(3, 'UTC'),
    trigger     LowCardinality(String),
    attempt     UInt16,
    status      Enum8('ok' = 1, 'failed' = 2),
    rows        UInt64,
    duration_ms UInt32,
    error       String,
    worker      LowCardinality(String),
    started_at  DateTime64(3, 'UTC'),
    finished_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(started_at)
ORDER BY (mart, day, started_at)
TTL toDateTime(started_at) + INTERVAL 180 DAY DELETE
