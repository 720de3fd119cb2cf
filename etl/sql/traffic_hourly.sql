INSERT INTO mart_traffic_hourly_staging
    (site_id, hour, pageviews, impressions, clicks, visitors, sessions, events)
WITH
{{deduped_events}},
{{sessionized_events}}
SELECT
    site_id,
    toStartOfHour(ts) AS hour,
    countIf(type = 'pageview'),
    countIf(type = 'impression'),
    countIf(type = 'click'),
    uniqExact(visitor_id),
    uniqExact(sid),
    count()
FROM sessionized_events
WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
GROUP BY site_id, hour
