INSERT INTO mart_events_daily_staging (site_id, day, type, events, visitors)
WITH
{{deduped_events}}
SELECT
    site_id,
    {day:Date},
    type,
    count(),
    uniqExact(visitor_id)
FROM deduped_events
WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
    AND type NOT IN ('pageview', 'impression', 'click', 'identify')
GROUP BY site_id, type
