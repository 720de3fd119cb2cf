/** Audience: which devices, browsers and operating systems visitors use. */
import { type DashboardSpec, SITE_VARIABLE } from './kit.js';

const where = 'site_id = ${site:singlequote} AND $__dateFilter(day)';
const note = 'mart_devices_daily: distinct visitors / sessions active per day, added up over the days of the range.';

export const audience: DashboardSpec = {
  uid: 'clickstream-audience',
  title: 'Clickstream / Audience',
  description: 'Devices, browsers and operating systems.',
  from: 'now-30d',
  variables: [SITE_VARIABLE],
  panels: [
    {
      kind: 'piechart',
      w: 8,
      h: 9,
      title: 'Sessions by device type',
      description: note,
      sql: `
SELECT if(device_type = '', '(unknown)', device_type) AS device, sum(sessions) AS sessions
FROM clickstream.mart_devices_daily
WHERE ${where}
GROUP BY device
ORDER BY sessions DESC`,
    },
    {
      kind: 'barchart',
      w: 8,
      h: 9,
      title: 'Browsers',
      description: note,
      sql: `
SELECT if(browser = '', '(unknown)', browser) AS browser_name, sum(sessions) AS sessions, sum(visitors) AS daily_visitors
FROM clickstream.mart_devices_daily
WHERE ${where}
GROUP BY browser_name
ORDER BY sessions DESC
LIMIT 15`,
    },
    {
      kind: 'barchart',
      w: 8,
      h: 9,
      title: 'Operating systems',
      description: note,
      sql: `
SELECT if(os = '', '(unknown)', os) AS os_name, sum(sessions) AS sessions, sum(visitors) AS daily_visitors
FROM clickstream.mart_devices_daily
WHERE ${where}
GROUP BY os_name
ORDER BY sessions DESC
LIMIT 15`,
    },
    {
      kind: 'timeseries',
      w: 12,
      h: 9,
      title: 'Sessions per day by device type',
      description: note,
      sql: `
SELECT toDateTime(day) AS time, if(device_type = '', '(unknown)', device_type) AS device, sum(sessions) AS sessions
FROM clickstream.mart_devices_daily
WHERE ${where}
GROUP BY time, device
ORDER BY time`,
    },
    {
      kind: 'table',
      w: 12,
      h: 9,
      title: 'Device, browser and OS',
      description: note,
      sql: `
SELECT device_type, browser, os, sum(sessions) AS sessions, sum(visitors) AS daily_visitors
FROM clickstream.mart_devices_daily
WHERE ${where}
GROUP BY device_type, browser, os
ORDER BY sessions DESC
LIMIT 100`,
    },
  ],
};
