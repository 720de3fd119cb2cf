/** Retention: weekly cohorts of persons and how many come back, week by week. */
import { type DashboardSpec, SITE_VARIABLE } from './kit.js';

/** Cohorts whose week overlaps the dashboard's range (a range starting mid-week keeps that week). */
const cohorts = 'cohort_week >= toMonday(toDate($__fromTime)) AND cohort_week <= toDate($__toTime)';

/** Weeks after the cohort week shown as columns. */
const WEEKS = 12;

// A share is NULL (an empty cell) for weeks that have not happened yet, not 0 %.
const shares = Array.from(
  { length: WEEKS },
  (_, i) => `       if(addWeeks(cohort_week, ${i + 1}) <= toMonday(today()),
          sumIf(persons, week_offset = ${i + 1}) / nullIf(sumIf(persons, week_offset = 0), 0), NULL) AS week_${i + 1}`,
).join(',\n');

export const retention: DashboardSpec = {
  uid: 'clickstream-retention',
  title: 'Clickstream / Retention',
  description:
    'Weekly cohorts: persons by the week of their first event, and the share of them active again each week after.',
  from: 'now-98d',
  variables: [SITE_VARIABLE],
  panels: [
    {
      kind: 'table',
      w: 24,
      h: 14,
      title: 'Cohort retention (% of the cohort active n weeks later)',
      unit: 'percentunit',
      heat: { min: 0, max: 1 },
      overrides: [{ field: 'cohort_size', unit: 'short' }],
      description:
        "mart_retention_weekly. A row per cohort: persons whose first event was in that Monday-start week of the site's time zone, then the share of them active again 1, 2, ... weeks later (empty: not yet). Persons are stitched: an identify event joins a browser's anonymous id to its user, so one person on two devices counts once. Cookieless visitors (no anonymous id, no user id: the daily-salted hash) are a new person every day by design, so they never come back here: a site without the SDK's anonymous id shows mostly 0 %.",
      sql: `
SELECT toString(cohort_week) AS cohort,
       sumIf(persons, week_offset = 0) AS cohort_size,
${shares}
FROM clickstream.mart_retention_weekly
WHERE site_id = \${site:singlequote} AND ${cohorts}
GROUP BY cohort_week
ORDER BY cohort_week`,
    },
    {
      kind: 'timeseries',
      w: 12,
      title: 'Week-1 retention by cohort',
      unit: 'percentunit',
      description:
        'The share of each weekly cohort active again the week after its first (mart_retention_weekly); the last cohort has no week 1 yet. Cookieless visitors never return (see the table).',
      sql: `
SELECT toDateTime(cohort_week) AS time,
       sumIf(persons, week_offset = 1) / nullIf(sumIf(persons, week_offset = 0), 0) AS week_1_retention
FROM clickstream.mart_retention_weekly
WHERE site_id = \${site:singlequote} AND ${cohorts} AND addWeeks(cohort_week, 1) <= toMonday(today())
GROUP BY cohort_week
ORDER BY time`,
    },
    {
      kind: 'barchart',
      w: 12,
      title: 'New persons per week',
      description: 'Cohort sizes: persons seen for the first time in each week (week_offset 0).',
      sql: `
SELECT toString(cohort_week) AS cohort, sum(persons) AS new_persons
FROM clickstream.mart_retention_weekly
WHERE site_id = \${site:singlequote} AND ${cohorts} AND week_offset = 0
GROUP BY cohort_week
ORDER BY cohort_week`,
    },
  ],
};
