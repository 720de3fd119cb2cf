/**
 * Attribution: which channel, campaign and element drive conversions and revenue, credited
 * to the visitor's first click and to the last click before converting, side by side.
 */
import { type DashboardSpec, SITE_VARIABLE } from './kit.js';

const where = 'site_id = ${site:singlequote} AND $__dateFilter(day)';
const sideBySide = `sumIf(conversions, model = 'first_click') AS first_click_conversions,
       sumIf(conversions, model = 'last_click') AS last_click_conversions,
       round(sumIf(revenue, model = 'first_click'), 2) AS first_click_revenue,
       round(sumIf(revenue, model = 'last_click'), 2) AS last_click_revenue`;

export const attribution: DashboardSpec = {
  uid: 'clickstream-attribution',
  title: 'Clickstream / Attribution',
  description: 'Conversions and revenue by channel, campaign and element; first click vs last click.',
  from: 'now-30d',
  variables: [SITE_VARIABLE],
  panels: [
    {
      kind: 'stat',
      w: 24,
      h: 4,
      title: 'Conversions and revenue',
      description:
        'Conversion events (ETL_CONVERSION_TYPES) of the range and their payload.revenue. Each conversion is counted once per model.',
      sql: `
SELECT sumIf(conversions, model = 'last_click') AS conversions, round(sumIf(revenue, model = 'last_click'), 2) AS revenue
FROM clickstream.mart_attribution_daily
WHERE ${where}`,
    },
    {
      kind: 'barchart',
      w: 12,
      h: 10,
      title: 'Conversions by channel: first click vs last click',
      description:
        "The channel of the visitor's first / last click within the attribution window before the conversion; (none) = no click in the window.",
      sql: `
SELECT channel, sumIf(conversions, model = 'first_click') AS first_click, sumIf(conversions, model = 'last_click') AS last_click
FROM clickstream.mart_attribution_daily
WHERE ${where}
GROUP BY channel
ORDER BY last_click DESC, first_click DESC`,
    },
    {
      kind: 'barchart',
      w: 12,
      h: 10,
      title: 'Revenue by channel: first click vs last click',
      description: 'Revenue (payload.revenue of the conversions) credited per model.',
      sql: `
SELECT channel, round(sumIf(revenue, model = 'first_click'), 2) AS first_click, round(sumIf(revenue, model = 'last_click'), 2) AS last_click
FROM clickstream.mart_attribution_daily
WHERE ${where}
GROUP BY channel
ORDER BY last_click DESC, first_click DESC`,
    },
    {
      kind: 'table',
      w: 24,
      h: 9,
      title: 'By channel and campaign',
      description: 'utm_source / utm_campaign of the credited click.',
      sql: `
SELECT channel, utm_source, utm_campaign,
       ${sideBySide}
FROM clickstream.mart_attribution_daily
WHERE ${where}
GROUP BY channel, utm_source, utm_campaign
ORDER BY last_click_conversions DESC, first_click_conversions DESC
LIMIT 100`,
    },
    {
      kind: 'table',
      w: 12,
      h: 9,
      title: 'By element clicked',
      description: 'The element_id of the credited click (conversions with no click in the window are left out).',
      sql: `
SELECT element_id,
       ${sideBySide}
FROM clickstream.mart_attribution_daily
WHERE ${where} AND channel != '(none)'
GROUP BY element_id
ORDER BY last_click_conversions DESC, first_click_conversions DESC
LIMIT 100`,
    },
    {
      kind: 'timeseries',
      w: 12,
      h: 9,
      title: 'Conversions per day by channel (last click)',
      description: 'One series per channel.',
      sql: `
SELECT toDateTime(day) AS time, channel, sum(conversions) AS conversions
FROM clickstream.mart_attribution_daily
WHERE ${where} AND model = 'last_click'
GROUP BY time, channel
ORDER BY time`,
    },
  ],
};
