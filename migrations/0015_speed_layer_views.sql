-- The public mart names Grafana and users query: the exact rebuilt rows, plus the speed
-- layer's rows for what the exact layer has not counted yet. Per day, the hand-over point
-- is the built_until of that day's exact partition (no partition yet: the speed layer
-- covers the whole day), so each event is counted by exactly one layer. Only the last 7
-- days are taken from the speed layer; older days are always exact.
CREATE VIEW IF NOT EXISTS mart_traffic_hourly AS
SELECT site_id, hour, pageviews, impressions, clicks, visitors, sessions, events
FROM mart_traffic_hourly_exact
UNION ALL
SELECT
    site_id,
    hour,
    sum(pageviews) AS pageviews,
    sum(impressions) AS impressions,
    sum(clicks) AS clicks,
    uniqExactMerge(visitors) AS visitors,
    uniqExactMerge(sessions) AS sessions,
    sum(events) AS events
FROM mart_traffic_hourly_speed
WHERE hour >= toStartOfDay(now('UTC')) - INTERVAL 7 DAY
  AND hour >= transform(
        toDate(hour),
        (SELECT groupArray(d) FROM (SELECT toDate(hour) AS d FROM mart_traffic_hourly_exact
            WHERE hour >= toStartOfDay(now('UTC')) - INTERVAL 8 DAY GROUP BY d ORDER BY d)),
        (SELECT groupArray(c) FROM (SELECT toDate(hour) AS d, max(built_until) AS c FROM mart_traffic_hourly_exact
            WHERE hour >= toStartOfDay(now('UTC')) - INTERVAL 8 DAY GROUP BY d ORDER BY d)),
        toDateTime(0, 'UTC'))
GROUP BY site_id, hour;

CREATE VIEW IF NOT EXISTS mart_ctr_daily AS
SELECT site_id, day, path, element_id, sum(impressions) AS impressions, sum(clicks) AS clicks
FROM
(
    SELECT site_id, day, path, element_id, impressions, clicks FROM mart_ctr_daily_exact
    UNION ALL
    SELECT site_id, day, path, element_id, impressions, clicks
    FROM mart_ctr_daily_speed
    WHERE day >= toDate(now('UTC')) - 7
      AND hour >= transform(
            day,
            (SELECT groupArray(d) FROM (SELECT day AS d FROM mart_ctr_daily_exact
                WHERE day >= toDate(now('UTC')) - 8 GROUP BY d ORDER BY d)),
            (SELECT groupArray(c) FROM (SELECT day AS d, max(built_until) AS c FROM mart_ctr_daily_exact
                WHERE day >= toDate(now('UTC')) - 8 GROUP BY d ORDER BY d)),
            toDateTime(0, 'UTC'))
)
GROUP BY site_id, day, path, element_id
