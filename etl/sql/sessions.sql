INSERT INTO mart_sessions_staging
    (site_id, session_id, visitor_id, started_at, ended_at, duration_s, events, pageviews, clicks,
     conversions, entry_path, exit_path, is_bounce, referrer_domain, channel, utm_source,
     utm_medium, utm_campaign, device_type, browser, os, day, person_id)
WITH
{{deduped_events}},
{{sessionized_events}},
{{sessions}}
SELECT
    site_id, session_id, visitor_id, started_at, ended_at, duration_s, events, pageviews, clicks,
    conversions, entry_path, exit_path, is_bounce, referrer_domain, channel, utm_source,
    utm_medium, utm_campaign, device_type, browser, os, {day:Date}, person_id
FROM sessions
