INSERT INTO mart_ctr_daily_staging (site_id, day, path, element_id, impressions, clicks)
WITH
{{deduped_events}}
SELECT
    site_id,
    {day:Date},
    path,
    element_id,
    countIf(type = 'impression'),
    countIf(type = 'click')
FROM deduped_events
WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
  AND type IN ('impression', 'click')
  AND element_id != ''
GROUP BY site_id, path, element_id
