-- UTC hours (Grafana shows them in the dashboard's zone). Events from the cutoff on are
-- left to the speed layer (mart_traffic_hourly_speed) until the next build.
INSERT INTO mart_traffic_hourly_staging
    (site_id, hour, pageviews, impressions, clicks, visitors, sessions, events, built_until)
WITH
{{deduped_events}},
{{sessionized_events}}
SELECT
    site_id,
    toStartOfHour(ts) AS hour,
    countIf(type = 'pageview'),
    countIf(type = 'impression'),
    countIf(type = 'click'),
    uniqExact(person_id),
    uniqExact(sid),
    count(),
    toDateTime({cutoff:DateTime64(3, 'UTC')}, 'UTC')
FROM sessionized_events
WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
  AND ts < {cutoff:DateTime64(3, 'UTC')}
GROUP BY site_id, hour
