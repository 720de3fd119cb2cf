-- Sessions that started on the day being built: a session belongs to the site-local day
-- of its first event. The read window reaches back one day so a session that started the
-- day before is seen as such (and left out), and forward one day so a session crossing
-- midnight is whole. Session attributes (source, device, person) are those of its first
-- event; entry / exit page are the first / last pageview's path (first / last event's
-- when it has no pageview).
sessions AS (
    SELECT
        site_id, session_id,
        opening.1 AS visitor_id,
        opening.2 AS person_id,
        opening.3 AS start_day,
        started_at, ended_at,
        toUInt32(dateDiff('second', started_at, ended_at)) AS duration_s,
        events, pageviews, clicks, conversions,
        if(pageviews > 0, first_view_path, opening.4) AS entry_path,
        if(pageviews > 0, last_view_path, last_path) AS exit_path,
        pageviews = 1 AND clicks = 0 AS is_bounce,
        opening.5 AS referrer_domain,
        opening.6 AS channel,
        opening.7 AS utm_source,
        opening.8 AS utm_medium,
        opening.9 AS utm_campaign,
        opening.10 AS device_type,
        opening.11 AS browser,
        opening.12 AS os
    FROM (
        SELECT
            site_id,
            sid AS session_id,
            -- the first event's attributes in one argMin: one comparison of (ts, event_id)
            -- per row instead of one per attribute (the sessions' biggest cost)
            argMin((visitor_id, person_id, local_date, path, referrer_domain, channel, utm_source, utm_medium,
                    utm_campaign, device_type, browser, os), (ts, event_id)) AS opening,
            min(ts) AS started_at,
            max(ts) AS ended_at,
            count() AS events,
            countIf(type = 'pageview') AS pageviews,
            countIf(type = 'click') AS clicks,
            countIf(has({conversion_types:Array(String)}, type)) AS conversions,
            argMinIf(path, (ts, event_id), type = 'pageview') AS first_view_path,
            argMaxIf(path, (ts, event_id), type = 'pageview') AS last_view_path,
            argMax(path, (ts, event_id)) AS last_path
        FROM sessionized_events
        GROUP BY site_id, sid
        HAVING opening.3 = {day:Date}
    )
)
