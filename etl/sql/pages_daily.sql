-- Built with the sessions of the day (etl/marts.ts): pageviews and visitors per page from
-- the day's events, entries and exits from the sessions the sessions build has just staged.
INSERT INTO mart_pages_daily_staging (site_id, day, path, pageviews, visitors, entries, exits)
WITH
{{deduped_events}},
views AS (
    SELECT site_id, path, count() AS pageviews, uniqExact(person_id) AS visitors
    FROM deduped_events
    WHERE local_date = {day:Date} AND type = 'pageview'
    GROUP BY site_id, path
),
ends AS (
    SELECT site_id, path, sum(is_entry) AS entries, sum(is_exit) AS exits
    FROM mart_sessions_staging
    ARRAY JOIN [(entry_path, 1, 0), (exit_path, 0, 1)] AS e
    WHERE day = {day:Date}
    GROUP BY site_id, e.1 AS path, e.2 AS is_entry, e.3 AS is_exit
)
SELECT
    site_id,
    {day:Date},
    path,
    sum(pageviews),
    sum(visitors),
    sum(entries),
    sum(exits)
FROM (
    SELECT site_id, path, pageviews, visitors, 0 AS entries, 0 AS exits FROM views
    UNION ALL
    SELECT site_id, path, 0, 0, entries, exits FROM ends
)
GROUP BY site_id, path
