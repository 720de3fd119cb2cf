-- Events from the cutoff on are left to the speed layer (mart_ctr_daily_speed) until the
-- next build.
INSERT INTO mart_ctr_daily_staging (site_id, day, path, element_id, impressions, clicks, built_until)
WITH
{{deduped_events}}
SELECT
    site_id,
    {day:Date},
    path,
    element_id,
    countIf(type = 'impression'),
    countIf(type = 'click'),
    toDateTime({cutoff:DateTime64(3, 'UTC')}, 'UTC')
FROM deduped_events
WHERE local_date = {day:Date} AND ts < {cutoff:DateTime64(3, 'UTC')}
  AND type IN ('impression', 'click')
  AND element_id != ''
GROUP BY site_id, path, element_id
