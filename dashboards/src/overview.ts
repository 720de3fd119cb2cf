/** Overview: how much traffic, from where, to which pages; and what is happening right now. */
import { type DashboardSpec, SITE_VARIABLE } from './kit.js';

const site = 'site_id = ${site:singlequote}';

export const overview: DashboardSpec = {
  uid: 'clickstream-overview',
  title: 'Clickstream / Overview',
  description:
    'Pageviews, visitors, sessions, bounce rate and session duration over time; top pages; sources and channels; custom events; live last 15 minutes.',
  from: 'now-7d',
  variables: [SITE_VARIABLE],
  panels: [
    {
      kind: 'stat',
      w: 5,
      h: 4,
      title: 'Pageviews',
      description: 'Pageviews in the range (mart_traffic_hourly; bots and duplicates excluded).',
      sql: `SELECT sum(pageviews) AS pageviews FROM clickstream.mart_traffic_hourly WHERE ${site} AND $__timeFilter(hour)`,
    },
    {
      kind: 'stat',
      w: 5,
      h: 4,
      title: 'Visitors',
      description: 'Distinct visitors who started a session in the range (mart_sessions).',
      sql: `SELECT uniqExact(visitor_id) AS visitors FROM clickstream.mart_sessions WHERE ${site} AND $__timeFilter(started_at)`,
    },
    {
      kind: 'stat',
      w: 5,
      h: 4,
      title: 'Sessions',
      description: 'Sessions started in the range (mart_sessions).',
      sql: `SELECT count() AS sessions FROM clickstream.mart_sessions WHERE ${site} AND $__timeFilter(started_at)`,
    },
    {
      kind: 'stat',
      w: 4,
      h: 4,
      title: 'Bounce rate',
      unit: 'percentunit',
      description: 'Share of sessions with exactly one pageview and no click.',
      sql: `SELECT avg(is_bounce) AS bounce_rate FROM clickstream.mart_sessions WHERE ${site} AND $__timeFilter(started_at)`,
    },
    {
      kind: 'stat',
      w: 5,
      h: 4,
      title: 'Avg session duration',
      unit: 's',
      description: 'First to last event of a session, averaged.',
      sql: `SELECT avg(duration_s) AS avg_duration_s FROM clickstream.mart_sessions WHERE ${site} AND $__timeFilter(started_at)`,
    },
    {
      kind: 'timeseries',
      w: 14,
      title: 'Traffic per hour',
      description:
        'Per hour: pageviews, distinct visitors and sessions active in that hour (mart_traffic_hourly). Hours are exact; do not add visitors of two hours up.',
      sql: `
SELECT hour AS time, sum(pageviews) AS pageviews, sum(visitors) AS visitors, sum(sessions) AS sessions
FROM clickstream.mart_traffic_hourly
WHERE ${site} AND $__timeFilter(hour)
GROUP BY time
ORDER BY time`,
    },
    {
      kind: 'timeseries',
      w: 10,
      title: 'Bounce rate and session duration per day',
      unit: 'percentunit',
      description: 'Sessions by the UTC day they started (mart_sessions).',
      overrides: [{ field: 'avg_duration_s', unit: 's', rightAxis: true }],
      sql: `
SELECT toStartOfDay(started_at) AS time, avg(is_bounce) AS bounce_rate, avg(duration_s) AS avg_duration_s
FROM clickstream.mart_sessions
WHERE ${site} AND $__timeFilter(started_at)
GROUP BY time
ORDER BY time`,
    },
    {
      kind: 'table',
      w: 12,
      h: 10,
      title: 'Top pages',
      description:
        "mart_pages_daily over the days of the range. daily_visitors adds up each day's distinct visitors; entries/exits count sessions entering/leaving on the page; exit_rate = exits / pageviews.",
      sql: `
SELECT path, sum(pageviews) AS pageviews, sum(visitors) AS daily_visitors, sum(entries) AS entries, sum(exits) AS exits,
       round(exits / nullIf(pageviews, 0), 3) AS exit_rate
FROM clickstream.mart_pages_daily
WHERE ${site} AND $__dateFilter(day)
GROUP BY path
ORDER BY pageviews DESC
LIMIT 20`,
    },
    {
      kind: 'barchart',
      w: 12,
      h: 10,
      title: 'Sessions and conversions by channel',
      description: 'Sessions by the channel of their first event, and conversions inside them (mart_sources_daily).',
      sql: `
SELECT channel, sum(sessions) AS sessions, sum(conversions) AS conversions
FROM clickstream.mart_sources_daily
WHERE ${site} AND $__dateFilter(day)
GROUP BY channel
ORDER BY sessions DESC`,
    },
    {
      kind: 'table',
      w: 24,
      h: 9,
      title: 'Sources',
      description: "Referrer and UTM of the sessions' first events, with conversion rate per session.",
      sql: `
SELECT channel, referrer_domain, utm_source, utm_medium, utm_campaign,
       sum(sessions) AS sessions, sum(conversions) AS conversions,
       round(conversions / nullIf(sessions, 0), 4) AS conversions_per_session
FROM clickstream.mart_sources_daily
WHERE ${site} AND $__dateFilter(day)
GROUP BY channel, referrer_domain, utm_source, utm_medium, utm_campaign
ORDER BY sessions DESC
LIMIT 50`,
    },
    {
      kind: 'table',
      w: 24,
      h: 9,
      title: 'Custom events',
      description:
        "Every event type but pageview, impression, click and identify (tracks and screens from Segment, PostHog events, the SDK's track()), from mart_events_daily. daily_visitors adds up each day's distinct visitors.",
      sql: `
SELECT type, sum(events) AS events, sum(visitors) AS daily_visitors,
       round(events / nullIf(daily_visitors, 0), 2) AS events_per_daily_visitor
FROM clickstream.mart_events_daily
WHERE ${site} AND $__dateFilter(day)
GROUP BY type
ORDER BY events DESC
LIMIT 50`,
    },
    {
      kind: 'timeseries',
      w: 16,
      title: 'Live: events per minute by type (last 15 minutes)',
      timeFrom: '15m',
      description:
        'Straight from clickstream.events (not a mart): distinct event_ids per minute, so retries count once.',
      sql: `
SELECT toStartOfMinute(ts) AS time, type, uniqExact(event_id) AS events
FROM clickstream.events
WHERE ${site} AND $__timeFilter(ts)
GROUP BY time, type
ORDER BY time`,
    },
    {
      kind: 'stat',
      w: 8,
      title: 'Live: visitors (last 15 minutes)',
      timeFrom: '15m',
      description: 'Distinct non-bot visitors with an event in the last 15 minutes (clickstream.events).',
      sql: `SELECT uniqExact(visitor_id) AS visitors FROM clickstream.events WHERE ${site} AND $__timeFilter(ts) AND NOT is_bot`,
    },
  ],
};
