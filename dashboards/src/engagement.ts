/** Engagement: what gets seen and clicked, where on the page, and how far visitors get. */
import { type DashboardSpec, SITE_VARIABLE } from './kit.js';

const site = 'site_id = ${site:singlequote}';

export const engagement: DashboardSpec = {
  uid: 'clickstream-engagement',
  title: 'Clickstream / Engagement',
  description: 'Impressions, clicks and CTR by element and by page; a click heatmap grid for one page; funnels.',
  from: 'now-7d',
  variables: [
    SITE_VARIABLE,
    {
      name: 'page',
      label: 'Heatmap page',
      sql: 'SELECT path FROM clickstream.mart_heatmap_daily WHERE site_id = ${site:singlequote} AND $__dateFilter(day) GROUP BY path ORDER BY sum(clicks) DESC LIMIT 200',
    },
    {
      name: 'funnel',
      label: 'Funnel',
      sql: 'SELECT DISTINCT funnel FROM clickstream.mart_funnel_daily WHERE site_id = ${site:singlequote} AND $__dateFilter(day) ORDER BY funnel',
    },
  ],
  panels: [
    {
      kind: 'timeseries',
      w: 24,
      title: 'Impressions and clicks per hour',
      description: 'mart_traffic_hourly.',
      sql: `
SELECT hour AS time, sum(impressions) AS impressions, sum(clicks) AS clicks
FROM clickstream.mart_traffic_hourly
WHERE ${site} AND $__timeFilter(hour)
GROUP BY time
ORDER BY time`,
    },
    {
      kind: 'table',
      w: 12,
      h: 10,
      title: 'CTR by element',
      description:
        'Events with an element_id (mart_ctr_daily). CTR = clicks / impressions, computed over the whole range.',
      sql: `
SELECT element_id, sum(impressions) AS impressions, sum(clicks) AS clicks,
       round(clicks / nullIf(impressions, 0), 4) AS ctr
FROM clickstream.mart_ctr_daily
WHERE ${site} AND $__dateFilter(day)
GROUP BY element_id
ORDER BY clicks DESC, impressions DESC
LIMIT 50`,
    },
    {
      kind: 'table',
      w: 12,
      h: 10,
      title: 'CTR by page',
      description: 'Impressions and clicks of all elements of a page (mart_ctr_daily).',
      sql: `
SELECT path, uniqExact(element_id) AS elements, sum(impressions) AS impressions, sum(clicks) AS clicks,
       round(clicks / nullIf(impressions, 0), 4) AS ctr
FROM clickstream.mart_ctr_daily
WHERE ${site} AND $__dateFilter(day)
GROUP BY path
ORDER BY clicks DESC, impressions DESC
LIMIT 50`,
    },
    {
      kind: 'xychart',
      w: 12,
      h: 12,
      title: 'Click heatmap: ${page}',
      description:
        "Clicks per grid cell of the chosen page (mart_heatmap_daily); a bigger, redder square is more clicks. x is the cell's left edge in px; y is its top edge in px from the top of the page, drawn negative so the top of the page is at the top of the chart.",
      xy: { x: 'x_px', y: 'y_px', value: 'clicks' },
      overrides: [
        { field: 'x_px', axisLabel: 'px from the left' },
        { field: 'y_px', axisLabel: 'px from the top (downwards)' },
      ],
      sql: `
SELECT grid_x AS x_px, -grid_y AS y_px, sum(clicks) AS clicks
FROM clickstream.mart_heatmap_daily
WHERE ${site} AND path = \${page:singlequote} AND $__dateFilter(day)
GROUP BY grid_x, grid_y
ORDER BY grid_x, grid_y`,
    },
    {
      kind: 'barchart',
      w: 12,
      h: 12,
      title: 'Funnel: ${funnel}',
      description:
        "Visitors reaching each step in order within the funnel's window (mart_funnel_daily), summed over days; of_first_step = share of step 1.",
      sql: `
SELECT concat(toString(step), '. ', step_name) AS step_label, visitors,
       round(visitors / nullIf(max(visitors) OVER (), 0), 3) AS of_first_step
FROM
(
    SELECT step, any(step_name) AS step_name, sum(visitors) AS visitors
    FROM clickstream.mart_funnel_daily
    WHERE ${site} AND funnel = \${funnel:singlequote} AND $__dateFilter(day)
    GROUP BY step
)
ORDER BY step`,
    },
  ],
};
