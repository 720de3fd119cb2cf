INSERT INTO mart_heatmap_daily_staging (site_id, day, path, grid_x, grid_y, clicks)
WITH
{{deduped_events}}
SELECT
    site_id,
    {day:Date},
    path,
    toInt32(floor(assumeNotNull(x) / {bucket:UInt32}) * {bucket:UInt32}) AS grid_x,
    toInt32(floor(assumeNotNull(y) / {bucket:UInt32}) * {bucket:UInt32}) AS grid_y,
    count()
FROM deduped_events
WHERE local_date = {day:Date}
  AND type = 'click' AND x IS NOT NULL AND y IS NOT NULL
GROUP BY site_id, path, grid_x, grid_y
