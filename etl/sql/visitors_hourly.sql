-- Built with the sessions of the day, from the rows the sessions build has just staged: per
-- site and UTC hour of started_at, the distinct visitors (visitor_id, as mart_sessions
-- stores it) of the sessions started in that hour, as a uniqExact state. Merging the
-- states of a range counts each visitor once, exactly, whatever hours they came back in.
INSERT INTO mart_visitors_hourly_staging (site_id, day, hour, visitors)
SELECT site_id, day, toStartOfHour(started_at) AS hour, uniqExactState(visitor_id)
FROM mart_sessions_staging
WHERE day = {day:Date}
GROUP BY site_id, day, hour
