-- Weekly retention cohorts: persons (after identity stitching) by the site-local,
-- Monday-start week of their first event (cohort_week), and how many of them were active
-- week_offset weeks later (0 = the cohort week itself: the cohort's size). A row is built
-- with its activity week (cohort_week + week_offset weeks), which is the partition: one
-- build replaces one activity week for every cohort, atomically, like the daily marts.
CREATE TABLE IF NOT EXISTS mart_retention_weekly
(
    site_id     LowCardinality(String),
    cohort_week Date,
    week_offset UInt16,
    persons     UInt64
)
ENGINE = MergeTree
PARTITION BY addWeeks(cohort_week, week_offset)
ORDER BY (site_id, cohort_week, week_offset);

CREATE TABLE IF NOT EXISTS mart_retention_weekly_staging AS mart_retention_weekly
