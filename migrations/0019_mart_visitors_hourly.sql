-- Distinct visitors of the sessions started per site and UTC hour (uniqExact states of
-- mart_sessions.visitor_id), so a dashboard counts a week's visitors by merging ~168
-- states per site instead of reading every session of the range. Built by the sessions
-- build from the rows it has just staged and swapped in with them (partition = the
-- sessions' site-local day). Filled here from the sessions already built.
CREATE TABLE IF NOT EXISTS mart_visitors_hourly
(
    site_id  LowCardinality(String),
    day      Date,
    hour     DateTime('UTC'),
    visitors AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY day
ORDER BY (site_id, hour);

CREATE TABLE IF NOT EXISTS mart_visitors_hourly_staging AS mart_visitors_hourly;

-- a rerun adds the same sets again, which merge into the same counts
INSERT INTO mart_visitors_hourly (site_id, day, hour, visitors)
SELECT site_id, day, toStartOfHour(started_at) AS hour, uniqExactState(visitor_id)
FROM mart_sessions
GROUP BY site_id, day, hour
