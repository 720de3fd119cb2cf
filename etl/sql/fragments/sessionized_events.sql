-- deduped_events plus `sid`, the session an event belongs to: the client's session_id
-- when given; otherwise the visitor's run of events with gaps under gap_ms, named
-- 'anon-<visitor_id>-<start ms>' so it is stable between builds. Only the events without
-- a session id go through the window functions (a sort of those rows alone); the others
-- are their session already.
sessionized_events AS (
    SELECT
        d.*,
        {{stitched_columns}}
    FROM (
        SELECT *, session_id AS sid
        FROM deduped_session_events
        UNION ALL
        SELECT
            * EXCEPT (prev_ts, anon_start),
            concat('anon-', visitor_id, '-', toString(toUnixTimestamp64Milli(anon_start))) AS sid
        FROM (
            SELECT
                *,
                -- the newest event that opened a gap-session, at or before this one
                max(if(dateDiff('millisecond', prev_ts, ts) >= {gap_ms:Int64}, ts, toDateTime64(0, 3, 'UTC')))
                    OVER (PARTITION BY site_id, visitor_id ORDER BY ts, event_id
                          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS anon_start
            FROM (
                SELECT
                    *,
                    lagInFrame(ts, 1, toDateTime64(0, 3, 'UTC'))
                        OVER (PARTITION BY site_id, visitor_id ORDER BY ts, event_id
                              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS prev_ts
                -- bots and identify events are not activity: they neither open nor bridge a gap
                FROM deduped_sessionless_events
                WHERE NOT is_bot AND type != 'identify'
            )
        )
    ) AS d
    {{stitch_join}}
)
