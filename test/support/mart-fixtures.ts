/**
 * Test support for the marts: a hand-made event set whose mart rows were computed by
 * hand (test/marts.test.ts), and a helper to insert events with only the columns that
 * matter. Each call takes its own site ids, so tests never share rows.
 */
import type { ClickHouseClient } from '../../lib/clickhouse.js';

/** The columns of an event row a fixture sets; the rest take the table's defaults. */
export interface FixtureEvent {
  event_id: string;
  site_id: string;
  type: string;
  ts: string;
  session_id?: string;
  user_id?: string;
  anonymous_id?: string;
  visitor_id?: string;
  path?: string;
  element_id?: string;
  x?: number | null;
  y?: number | null;
  referrer_domain?: string;
  channel?: string;
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  device_type?: string;
  browser?: string;
  os?: string;
  is_bot?: boolean;
  properties?: Record<string, string>;
  received_at?: string;
  inserted_at?: string;
}

/** Inserts fixture events into `events` (one insert, so they appear at once). */
export async function insertEvents(clickhouse: ClickHouseClient, events: FixtureEvent[]): Promise<void> {
  await clickhouse.insert({
    table: 'events',
    format: 'JSONEachRow',
    values: events.map((e) => ({ x: null, y: null, received_at: e.ts, ...e })),
    // two fixture inserts may be byte-identical (a duplicate): never let ClickHouse drop one
    clickhouse_settings: { insert_deduplicate: 0 },
  });
}

/** A UUID made from a site and a number, so fixtures can name their events. */
export function fixtureId(site: string, n: number): string {
  let h = 0;
  for (const ch of site) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `${h.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

const search = { channel: 'search', referrer_domain: 'google.com' };
const chromeLinux = { device_type: 'desktop', browser: 'Chrome', os: 'Linux' };
const firefoxWin = { device_type: 'desktop', browser: 'Firefox', os: 'Windows' };
const safariIos = { device_type: 'mobile', browser: 'Safari', os: 'iOS' };

/**
 * The fixture around `day` (D) for sites `a` and `b`. D-1 = the day before, D+1 after.
 * Site a: session sess-1 (visitor v1: pageview, duplicated impression, click, pageview,
 * checkout 50), sess-2 (v2, bounce), anonymous visitor v3 in two gap-sessions, sess-late
 * (v4) crossing midnight with an event duplicated across the day boundary, a bot, and
 * v1's earlier email-campaign click on D-1. Site b: a checkout with no click.
 */
export function fixtureEvents(day: string, a: string, b: string): FixtureEvent[] {
  const D = (time: string) => `${day} ${time}`;
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const prev = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const id = (n: number, site = a) => fixtureId(site, n);
  const s1 = { site_id: a, session_id: 'sess-1', visitor_id: 'v1', ...search, ...chromeLinux };
  const s2 = {
    site_id: a,
    session_id: 'sess-2',
    visitor_id: 'v2',
    channel: 'social',
    referrer_domain: 'facebook.com',
    utm_source: 'fb',
    utm_medium: 'social',
    utm_campaign: 'spring',
    ...safariIos,
  };
  const v3 = { site_id: a, session_id: '', visitor_id: 'v3', channel: 'direct', ...firefoxWin };
  const late = { site_id: a, session_id: 'sess-late', visitor_id: 'v4', channel: 'direct', ...chromeLinux };
  const s0 = {
    site_id: a,
    session_id: 'sess-0',
    visitor_id: 'v1',
    channel: 'email',
    utm_source: 'newsletter',
    utm_medium: 'email',
    utm_campaign: 'may',
    ...chromeLinux,
  };
  return [
    { ...s0, event_id: id(1), type: 'pageview', ts: `${prev} 14:59:00.000`, path: '/home' },
    {
      ...s0,
      event_id: id(2),
      type: 'click',
      ts: `${prev} 15:00:00.000`,
      path: '/home',
      element_id: 'promo',
      x: 500,
      y: 80,
    },
    { ...s1, event_id: id(10), type: 'pageview', ts: D('10:00:00.000'), path: '/home' },
    {
      ...s1,
      event_id: id(11),
      type: 'impression',
      ts: D('10:00:01.000'),
      path: '/home',
      element_id: 'cta',
      inserted_at: D('10:00:02.000'),
    },
    // the same impression again, its ts moved 5 ms by a retry's skew correction
    {
      ...s1,
      event_id: id(11),
      type: 'impression',
      ts: D('10:00:01.005'),
      path: '/home',
      element_id: 'cta',
      inserted_at: D('10:00:09.000'),
    },
    { ...s1, event_id: id(12), type: 'click', ts: D('10:00:05.000'), path: '/home', element_id: 'cta', x: 120, y: 40 },
    { ...s1, event_id: id(13), type: 'pageview', ts: D('10:01:00.000'), path: '/product' },
    {
      ...s1,
      event_id: id(14),
      type: 'checkout',
      ts: D('10:02:00.000'),
      path: '/product',
      properties: { revenue: '50' },
    },
    {
      site_id: a,
      session_id: 'sess-bot',
      visitor_id: 'vbot',
      event_id: id(15),
      type: 'pageview',
      ts: D('10:30:00.000'),
      path: '/home',
      is_bot: true,
      ...chromeLinux,
    },
    { ...s2, event_id: id(20), type: 'pageview', ts: D('11:30:00.000'), path: '/home' },
    { ...s2, event_id: id(21), type: 'impression', ts: D('11:30:02.000'), path: '/home', element_id: 'cta' },
    { ...v3, event_id: id(30), type: 'pageview', ts: D('12:00:00.000'), path: '/home' },
    { ...v3, event_id: id(31), type: 'pageview', ts: D('12:10:00.000'), path: '/about' },
    { ...v3, event_id: id(32), type: 'pageview', ts: D('13:00:00.000'), path: '/home' },
    { ...v3, event_id: id(33), type: 'click', ts: D('13:00:30.000'), path: '/home', element_id: 'nav', x: 10, y: 10 },
    { ...late, event_id: id(40), type: 'pageview', ts: D('23:50:00.000'), path: '/home' },
    // one event, two copies in two day partitions: the later insert (D+1) wins
    {
      ...late,
      event_id: id(41),
      type: 'pageview',
      ts: D('23:59:59.999'),
      path: '/pricing',
      inserted_at: `${next} 00:00:01.000`,
    },
    {
      ...late,
      event_id: id(41),
      type: 'pageview',
      ts: `${next} 00:00:00.002`,
      path: '/pricing',
      inserted_at: `${next} 00:00:05.000`,
    },
    { ...late, event_id: id(42), type: 'pageview', ts: `${next} 00:10:00.000`, path: '/product' },
    {
      site_id: b,
      session_id: 'sess-9',
      visitor_id: 'v9',
      channel: 'direct',
      ...chromeLinux,
      event_id: id(90, b),
      type: 'pageview',
      ts: D('09:00:00.000'),
      path: '/home',
    },
    {
      site_id: b,
      session_id: 'sess-9',
      visitor_id: 'v9',
      channel: 'direct',
      ...chromeLinux,
      event_id: id(91, b),
      type: 'checkout',
      ts: D('09:05:00.000'),
      path: '/cart',
      properties: { revenue: '20' },
    },
  ];
}

/** A click by v1 in sess-1 that arrives after the first build (received a day late). */
export function lateClick(day: string, a: string): FixtureEvent {
  return {
    site_id: a,
    session_id: 'sess-1',
    visitor_id: 'v1',
    ...search,
    ...chromeLinux,
    event_id: fixtureId(a, 50),
    type: 'click',
    ts: `${day} 10:01:30.000`,
    path: '/product',
    element_id: 'buy',
    x: 300,
    y: 200,
    received_at: `${day} 23:00:00.000`,
  };
}

/** The funnel the fixture expects: home -> product -> checkout within an hour. */
export const FIXTURE_FUNNELS = [
  {
    name: 'buy',
    window_minutes: 60,
    steps: [
      { name: 'home', type: 'pageview', path: '/home' },
      { name: 'product', type: 'pageview', path: '/product' },
      { name: 'checkout', type: 'checkout' },
    ],
  },
];
