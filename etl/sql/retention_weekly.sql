-- The build of activity week W (a Monday, the partition): every person active in W, by
-- the week of their first event (their cohort); week_offset = weeks from cohort to W.
-- Weeks are site-local and start on Monday. The read window is all raw events (a person's
-- first event may be in any earlier week), deduplicated and stitched like every mart, so
-- identify events are not activity and a person seen on two devices is one person.
INSERT INTO mart_retention_weekly_staging (site_id, cohort_week, week_offset, persons)
WITH
{{deduped_events}},
weeks AS (
    SELECT DISTINCT site_id, person_id, toMonday(local_date) AS week
    FROM deduped_events
    WHERE person_id != '' AND local_date < addDays({day:Date}, 7)
),
persons AS (
    SELECT site_id, person_id, min(week) AS cohort_week
    FROM weeks
    GROUP BY site_id, person_id
    HAVING max(week) = {day:Date}
)
SELECT
    site_id,
    cohort_week,
    toUInt16(intDiv(dateDiff('day', cohort_week, {day:Date}), 7)) AS week_offset,
    count()
FROM persons
GROUP BY site_id, cohort_week
