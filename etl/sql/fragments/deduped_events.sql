-- Events of the read window [lo, hi), each event once, bots and identity links dropped,
-- with the event's site-local date (`local_date`) and its person after stitching
-- (`person_id`). The window is wider than the day being built (etl/day-window.ts) because
-- a duplicate of an event may sit in a neighbouring day partition (a retry's clock-skew
-- correction moved its ts) and ReplacingMergeTree only collapses duplicates inside one
-- partition, after a merge. The latest inserted copy wins (ts as tie-break), so every
-- build picks the same copy and an event lands in exactly one day.
--
-- {{event_filter}}: the event types the mart counts at all (etl/marts.ts; `1` for all), read
-- before the dedup so a mart of clicks does not sort every impression of the window.
--
-- The dedup runs apart for events with a session id and for those without: the gap
-- sessionization (sessionized_events.sql) then sorts only the second kind. Both filters,
-- like the dedup's choice of copy, rely on the copies of one event sharing its type and
-- session id (they are one event as sent; the type is part of the table's own key).
{{identity_links}},
window_events AS (
    SELECT *
    FROM events
    WHERE ts >= {lo:DateTime64(3, 'UTC')} AND ts < {hi:DateTime64(3, 'UTC')}
      AND ({{event_filter}})
),
deduped_session_events AS (
    SELECT * FROM window_events
    WHERE session_id != ''
    ORDER BY site_id, event_id, inserted_at DESC, ts DESC
    LIMIT 1 BY site_id, event_id
),
deduped_sessionless_events AS (
    SELECT * FROM window_events
    WHERE session_id = ''
    ORDER BY site_id, event_id, inserted_at DESC, ts DESC
    LIMIT 1 BY site_id, event_id
),
deduped_events AS (
    SELECT
        d.*,
        {{stitched_columns}}
    FROM (
        SELECT * FROM deduped_session_events
        UNION ALL
        SELECT * FROM deduped_sessionless_events
    ) AS d
    {{stitch_join}}
)
