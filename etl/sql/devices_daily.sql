INSERT INTO mart_devices_daily_staging (site_id, day, device_type, browser, os, visitors, sessions)
WITH
{{deduped_events}},
{{sessionized_events}}
SELECT
    site_id,
    {day:Date},
    device_type,
    browser,
    os,
    uniqExact(person_id),
    uniqExact(sid)
FROM sessionized_events
WHERE local_date = {day:Date}
GROUP BY site_id, device_type, browser, os
