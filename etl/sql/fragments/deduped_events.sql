-- Events of the read window [lo, hi), each event once, bots and identity links dropped,
-- with the event's site-local date (`local_date`) and its person after stitching
-- (`person_id`). The window is wider than the day being built (etl/day-window.ts) because
-- a duplicate of an event may sit in a neighbouring day partition (a retry's clock-skew
-- correction moved its ts) and ReplacingMergeTree only collapses duplicates inside one
-- partition, after a merge. The latest inserted copy wins (ts as tie-break), so every
-- build picks the same copy and an event lands in exactly one day.
--
-- person_id: the user id when the event has one; else its anonymous id's linked user, or
-- the anonymous id itself; else (cookieless: no ids at all) the daily-salted visitor id.
--
-- {{event_filter}}: the event types the mart counts at all (etl/marts.ts; `1` for all), read
-- before the dedup so a mart of clicks does not sort every impression of the window. Safe
-- because the copies of one event share its type (the type is part of the table's own key).
{{identity_links}},
deduped_events AS (
    SELECT
        d.*,
        {{site_zone}} AS site_zone,
        {{local_date}} AS local_date,
        multiIf(
            d.user_id != '', concat('u:', d.user_id),
            d.anonymous_id != '', if(links.linked_user != '', concat('u:', links.linked_user), concat('a:', d.anonymous_id)),
            d.visitor_id) AS person_id
    FROM (
        SELECT *
        FROM events
        WHERE ts >= {lo:DateTime64(3, 'UTC')} AND ts < {hi:DateTime64(3, 'UTC')}
          AND ({{event_filter}})
        ORDER BY site_id, event_id, inserted_at DESC, ts DESC
        LIMIT 1 BY site_id, event_id
    ) AS d
    LEFT JOIN identity_links AS links ON links.site_id = d.site_id AND links.anonymous_id = d.anonymous_id
    WHERE NOT d.is_bot AND d.type != 'identify'
)
