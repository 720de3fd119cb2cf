/**
 * Representative dashboard panel queries, one per mart plus the live panel on `events`.
 * The dashboards/ folder holds no panels yet, so these stand in for them: each is what a
 * Grafana panel over that mart would ask for a site and a time range.
 */

export interface PanelQuery {
  name: string;
  /** Params: {site:String}, {from:DateTime}, {to:DateTime}. */
  query: string;
}

export const PANEL_QUERIES: readonly PanelQuery[] = [
  { name: 'traffic: pageviews & visitors per hour', query: `SELECT hour, sum(pageviews), sum(visitors), sum(sessions) FROM mart_traffic_hourly WHERE site_id = {site:String} AND hour BETWEEN {from:DateTime} AND {to:DateTime} GROUP BY hour ORDER BY hour` },
  { name: 'sessions: bounce rate & duration per day', query: `SELECT toDate(started_at) AS day, count(), avg(is_bounce), quantile(0.5)(duration_s) FROM mart_sessions WHERE site_id = {site:String} AND started_at BETWEEN {from:DateTime} AND {to:DateTime} GROUP BY day ORDER BY day` },
  { name: 'ctr: top elements', query: `SELECT element_id, sum(impressions) AS i, sum(clicks) AS c, c / greatest(i, 1) AS ctr FROM mart_ctr_daily WHERE site_id = {site:String} AND day BETWEEN toDate({from:DateTime}) AND toDate({to:DateTime}) GROUP BY element_id ORDER BY i DESC LIMIT 20` },
  { name: 'pages: top pages', query: `SELECT path, sum(pageviews) AS pv, sum(visitors), sum(entries), sum(exits) FROM mart_pages_daily WHERE site_id = {site:String} AND day BETWEEN toDate({from:DateTime}) AND toDate({to:DateTime}) GROUP BY path ORDER BY pv DESC LIMIT 20` },
  { name: 'sources: channels', query: `SELECT channel, utm_source, sum(sessions) AS s, sum(conversions) FROM mart_sources_daily WHERE site_id = {site:String} AND day BETWEEN toDate({from:DateTime}) AND toDate({to:DateTime}) GROUP BY channel, utm_source ORDER BY s DESC LIMIT 20` },
  { name: 'devices: device/browser split', query: `SELECT device_type, browser, sum(sessions) AS s FROM mart_devices_daily WHERE site_id = {site:String} AND day BETWEEN toDate({from:DateTime}) AND toDate({to:DateTime}) GROUP BY device_type, browser ORDER BY s DESC` },
  { name: 'attribution: revenue by channel', query: `SELECT model, channel, sum(conversions), sum(revenue) AS r FROM mart_attribution_daily WHERE site_id = {site:String} AND day BETWEEN toDate({from:DateTime}) AND toDate({to:DateTime}) GROUP BY model, channel ORDER BY r DESC` },
  { name: 'funnel: steps', query: `SELECT funnel, step, any(step_name), sum(visitors) FROM mart_funnel_daily WHERE site_id = {site:String} AND day BETWEEN toDate({from:DateTime}) AND toDate({to:DateTime}) GROUP BY funnel, step ORDER BY funnel, step` },
  { name: 'heatmap: one page', query: `SELECT grid_x, grid_y, sum(clicks) FROM mart_heatmap_daily WHERE site_id = {site:String} AND day BETWEEN toDate({from:DateTime}) AND toDate({to:DateTime}) AND path = '/p/0' GROUP BY grid_x, grid_y` },
  { name: 'live: events per minute (raw events)', query: `SELECT toStartOfMinute(ts) AS m, type, uniqExact(event_id) FROM events WHERE site_id = {site:String} AND ts BETWEEN {to:DateTime} - INTERVAL 1 HOUR AND {to:DateTime} GROUP BY m, type ORDER BY m` },
];
