-- Sessions move to the partition of their site-local day (`day`: the local date of the
-- session's first event in the site's time zone) and get `person_id`, the person after
-- identity stitching (etl/README.md). A partition key cannot be altered, so the table is
-- rebuilt in place from its own rows, atomically (CREATE OR REPLACE swaps the new table in
-- when it is full). Sessions built before this were UTC days with no stitching: day is the
-- UTC date of started_at and person_id the visitor; a backfill recomputes both.
CREATE OR REPLACE TABLE mart_sessions
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
    os              LowCardinality(String),
    day             Date,
    person_id       String
)
ENGINE = MergeTree
PARTITION BY day
ORDER BY (site_id, started_at, session_id)
AS SELECT
    site_id, session_id, visitor_id, started_at, ended_at, duration_s, events, pageviews, clicks,
    conversions, entry_path, exit_path, is_bounce, referrer_domain, channel, utm_source,
    utm_medium, utm_campaign, device_type, browser, os,
    toDate(started_at) AS day,
    visitor_id AS person_id
FROM mart_sessions;

-- The staging twin is transient (emptied by every build): recreated with the new structure.
CREATE OR REPLACE TABLE mart_sessions_staging AS mart_sessions
