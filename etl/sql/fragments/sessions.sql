-- Sessions that started on the day being built: a session belongs to the site-local day
-- of its first event. The read window reaches back one day so a session that started the
-- day before is seen as such (and left out), and forward one day so a session crossing
-- midnight is whole. Session attributes (source, device, person) are those of its first
-- event; entry / exit page are the first / last pageview's path (first / last event's
-- when it has no pageview).
sessions AS (
    SELECT
        site_id,
        sid AS session_id,
        argMin(visitor_id, (ts, event_id)) AS visitor_id,
        argMin(person_id, (ts, event_id)) AS person_id,
        argMin(local_date, (ts, event_id)) AS start_day,
        min(ts) AS started_at,
        max(ts) AS ended_at,
        toUInt32(dateDiff('second', started_at, ended_at)) AS duration_s,
        count() AS events,
        countIf(type = 'pageview') AS pageviews,
        countIf(type = 'click') AS clicks,
        countIf(has({conversion_types:Array(String)}, type)) AS conversions,
        if(pageviews > 0, argMinIf(path, (ts, event_id), type = 'pageview'), argMin(path, (ts, event_id))) AS entry_path,
        if(pageviews > 0, argMaxIf(path, (ts, event_id), type = 'pageview'), argMax(path, (ts, event_id))) AS exit_path,
        pageviews = 1 AND clicks = 0 AS is_bounce,
        argMin(referrer_domain, (ts, event_id)) AS referrer_domain,
        argMin(channel, (ts, event_id)) AS channel,
        argMin(utm_source, (ts, event_id)) AS utm_source,
        argMin(utm_medium, (ts, event_id)) AS utm_medium,
        argMin(utm_campaign, (ts, event_id)) AS utm_campaign,
        argMin(device_type, (ts, event_id)) AS device_type,
        argMin(browser, (ts, event_id)) AS browser,
        argMin(os, (ts, event_id)) AS os
    FROM sessionized_events
    GROUP BY site_id, sid
    HAVING start_day = {day:Date}
)
