INSERT INTO mart_events_daily_staging (site_id, day, type, events, visitors)
WITH
{{deduped_events}}
SELECT
    site_id,
    {day:Date},
    type,
    count(),
    uniqExact(person_id)
FROM deduped_events
WHERE local_date = {day:Date}
  -- deduped_events has dropped the identity links already; named here for the reader.
  AND type NOT IN ('pageview', 'impression', 'click', 'identify')
GROUP BY site_id, type
