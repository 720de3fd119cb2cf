-- One row per accepted event, normalized and enriched by the consumer.
--
-- Dedup: an event accepted twice (client retry, producer retry, consumer redelivery)
-- has the same event_id. ReplacingMergeTree keeps one row per (site_id, type, event_id)
-- within a partition when parts merge; until then, and across a day boundary, readers
-- deduplicate by event_id (the marts do; see etl/). ts is deliberately not in the sorting
-- key: a retry's clock-skew correction can move ts by a few milliseconds.
CREATE TABLE IF NOT EXISTS events
(
    event_id        UUID,
    site_id         LowCardinality(String),
    type            LowCardinality(String),
    session_id      String,
    user_id         String,
    anonymous_id    String,
    visitor_id      String,
    ts              DateTime64(3, 'UTC') CODEC(Delta, ZSTD),
    received_at     DateTime64(3, 'UTC') CODEC(Delta, ZSTD),
    url             String CODEC(ZSTD),
    host            LowCardinality(String),
    path            String,
    query           String CODEC(ZSTD),
    referrer        String CODEC(ZSTD),
    referrer_domain LowCardinality(String),
    channel         LowCardinality(String),
    utm_source      LowCardinality(String),
    utm_medium      LowCardinality(String),
    utm_campaign    LowCardinality(String),
    utm_term        String,
    utm_content     String,
    click_id_type   LowCardinality(String),
    click_id        String,
    element_id      String,
    event_title     String,
    x               Nullable(Int32),
    y               Nullable(Int32),
    browser         LowCardinality(String),
    browser_version LowCardinality(String),
    os              LowCardinality(String),
    device_type     LowCardinality(String),
    is_bot          Bool,
    properties      Map(String, String) CODEC(ZSTD),
    kafka_partition UInt16,
    kafka_offset    UInt64,
    inserted_at     DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toDate(ts)
ORDER BY (site_id, type, event_id)
-- Remembers the last N insert blocks so a retried insert with the same
-- insert_deduplication_token (the consumer sets one per Kafka offset range) is dropped.
SETTINGS non_replicated_deduplication_window = 10000;
