-- Events of the read window [lo, hi), each event once, bots dropped. The window is wider
-- than the day being built (etl/day-window.ts) because a duplicate of an event may sit
-- in a neighbouring day partition (a retry's clock-skew correction moved its ts) and
-- ReplacingMergeTree only collapses duplicates inside one partition, after a merge. The
-- latest inserted copy wins (ts as tie-break), so every build picks the same copy and
-- an event lands in exactly one day.
deduped_events AS (
    SELECT *
    FROM (
        SELECT *
        FROM events
        WHERE ts >= {lo:DateTime64(3, 'UTC')} AND ts < {hi:DateTime64(3, 'UTC')}
        ORDER BY site_id, event_id, inserted_at DESC, ts DESC
        LIMIT 1 BY site_id, event_id
    )
    WHERE NOT is_bot
)
