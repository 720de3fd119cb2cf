-- One row per session, in the partition of the UTC day the session started (see
-- etl/README.md for how sessions crossing midnight are handled). session_id is the
-- client's session_id, or 'anon-<visitor_id>-<start ms>' for a session made from a
-- visitor's events with gaps under ETL_SESSION_GAP_MINUTES.
CREATE TABLE IF NOT EXISTS mart_sessions
(
    site_id         LowCardinality(String),
    session_id      String,
    visitor_id      String,
    started_at      DateTime64(3, 'UTC'),
    ended_at        DateTime64(3, 'UTC'),
    duration_s      UInt32,
    events          UInt64,
    pageviews       UInt64,
    clicks          UInt64,
    conversions     UInt64,
    entry_path      String,
    exit_path       String,
    is_bounce       Bool,
    referrer_domain LowCardinality(String),
    channel         LowCardinality(String),
    utm_source      LowCardinality(String),
    utm_medium      LowCardinality(String),
    utm_campaign    LowCardinality(String),
    device_type     LowCardinality(String),
    browser         LowCardinality(String),
    os              LowCardinality(String)
)
ENGINE = MergeTree
PARTITION BY toDate(started_at)
ORDER BY (site_id, started_at, session_id);

CREATE TABLE IF NOT EXISTS mart_sessions_staging AS mart_sessions
