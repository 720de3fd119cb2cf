/**
 * Every mart built from a hand-made event set (test/support/mart-fixtures.ts) equals hand-computed rows:
 * duplicates (same day and across midnight), a bot, a session without session_id, a
 * session crossing midnight, conversions with and without a click in the window, and a
 * late event. Builds run twice and concurrently give identical marts.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { buildMarts } from '../etl/build-marts.js';
import { parseFunnels } from '../etl/funnels.js';
import { MART_NAMES } from '../etl/marts.js';
import { FIXTURE_FUNNELS, fixtureEvents, insertEvents, lateClick } from './support/mart-fixtures.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { createPgPool, type Pool } from '../lib/postgres.js';
import { testClickHouse, uniqueName } from './helpers.js';
import { TEST_BUILD_OPTIONS } from './support/build-options.js';

const DAY = '2024-05-10';
const from = new Date('2024-05-09T00:00:00Z');
const to = new Date('2024-05-12T00:00:00Z');
const options = { ...TEST_BUILD_OPTIONS, funnels: parseFunnels(FIXTURE_FUNNELS) };

let clickhouse: ClickHouseClient;
let pgPool: Pool;
const a = uniqueName('site_a');
const b = uniqueName('site_b');

async function martRows(name: string): Promise<unknown[][]> {
  const result = await clickhouse.query({
    // mart names come from MART_NAMES; sites are params
    query: `SELECT * FROM mart_${name} WHERE site_id IN ({a:String}, {b:String}) ORDER BY ALL`,
    query_params: { a, b },
    format: 'JSONCompactEachRow',
  });
  return result.json<unknown[]>();
}

async function snapshot(): Promise<Record<string, unknown[][]>> {
  const all: Record<string, unknown[][]> = {};
  for (const name of MART_NAMES) all[name] = await martRows(name);
  return all;
}

const build = () => buildMarts({ clickhouse, pgPool, options, from, to, concurrency: 3 });

beforeAll(async () => {
  clickhouse = testClickHouse();
  pgPool = createPgPool(inject('databaseUrl'), () => {}, 10);
  await insertEvents(clickhouse, fixtureEvents(DAY, a, b));
  await build();
});

afterAll(async () => {
  await pgPool.end();
  await clickhouse.close();
});

describe('marts from the fixture', () => {
  it('mart_traffic_hourly', async () => {
    expect(await martRows('traffic_hourly')).toEqual([
      // site, hour, pageviews, impressions, clicks, visitors, sessions, events
      [a, '2024-05-09 14:00:00', 1, 0, 0, 1, 1, 1],
      [a, '2024-05-09 15:00:00', 0, 0, 1, 1, 1, 1],
      [a, '2024-05-10 10:00:00', 2, 1, 1, 1, 1, 5], // duplicate impression once, bot out
      [a, '2024-05-10 11:00:00', 1, 1, 0, 1, 1, 2],
      [a, '2024-05-10 12:00:00', 2, 0, 0, 1, 1, 2],
      [a, '2024-05-10 13:00:00', 1, 0, 1, 1, 1, 2],
      [a, '2024-05-10 23:00:00', 1, 0, 0, 1, 1, 1],
      [a, '2024-05-11 00:00:00', 2, 0, 0, 1, 1, 2], // the cross-midnight duplicate counts on D+1 only
      [b, '2024-05-10 09:00:00', 1, 0, 0, 1, 1, 2],
    ]);
  });

  it('mart_sessions', async () => {
    const dl = ['desktop', 'Chrome', 'Linux'];
    // ..., day (the site-local day of the first event: UTC here), person_id (no ids: the visitor)
    expect(await martRows('sessions')).toEqual([
      [
        a,
        'anon-v3-1715342400000',
        'v3',
        '2024-05-10 12:00:00.000',
        '2024-05-10 12:10:00.000',
        600,
        2,
        2,
        0,
        0,
        '/home',
        '/about',
        false,
        '',
        'direct',
        '',
        '',
        '',
        'desktop',
        'Firefox',
        'Windows',
        '2024-05-10',
        'v3',
      ],
      [
        a,
        'anon-v3-1715346000000',
        'v3',
        '2024-05-10 13:00:00.000',
        '2024-05-10 13:00:30.000',
        30,
        2,
        1,
        1,
        0,
        '/home',
        '/home',
        false,
        '',
        'direct',
        '',
        '',
        '',
        'desktop',
        'Firefox',
        'Windows',
        '2024-05-10',
        'v3',
      ],
      [
        a,
        'sess-0',
        'v1',
        '2024-05-09 14:59:00.000',
        '2024-05-09 15:00:00.000',
        60,
        2,
        1,
        1,
        0,
        '/home',
        '/home',
        false,
        '',
        'email',
        'newsletter',
        'email',
        'may',
        ...dl,
        '2024-05-09',
        'v1',
      ],
      [
        a,
        'sess-1',
        'v1',
        '2024-05-10 10:00:00.000',
        '2024-05-10 10:02:00.000',
        120,
        5,
        2,
        1,
        1,
        '/home',
        '/product',
        false,
        'google.com',
        'search',
        '',
        '',
        '',
        ...dl,
        '2024-05-10',
        'v1',
      ],
      [
        a,
        'sess-2',
        'v2',
        '2024-05-10 11:30:00.000',
        '2024-05-10 11:30:02.000',
        2,
        2,
        1,
        0,
        0,
        '/home',
        '/home',
        true,
        'facebook.com',
        'social',
        'fb',
        'social',
        'spring',
        'mobile',
        'Safari',
        'iOS',
        '2024-05-10',
        'v2',
      ],
      // crosses midnight: whole, once, in the day it started
      [
        a,
        'sess-late',
        'v4',
        '2024-05-10 23:50:00.000',
        '2024-05-11 00:10:00.000',
        1200,
        3,
        3,
        0,
        0,
        '/home',
        '/product',
        false,
        '',
        'direct',
        '',
        '',
        '',
        ...dl,
        '2024-05-10',
        'v4',
      ],
      [
        b,
        'sess-9',
        'v9',
        '2024-05-10 09:00:00.000',
        '2024-05-10 09:05:00.000',
        300,
        2,
        1,
        0,
        1,
        '/home',
        '/home',
        true,
        '',
        'direct',
        '',
        '',
        '',
        ...dl,
        '2024-05-10',
        'v9',
      ],
    ]);
  });

  it('mart_ctr_daily', async () => {
    expect(await martRows('ctr_daily')).toEqual([
      [a, '2024-05-09', '/home', 'promo', 0, 1],
      [a, '2024-05-10', '/home', 'cta', 2, 1],
      [a, '2024-05-10', '/home', 'nav', 0, 1],
    ]);
  });

  it('mart_pages_daily', async () => {
    expect(await martRows('pages_daily')).toEqual([
      // site, day, path, pageviews, visitors, entries, exits
      [a, '2024-05-09', '/home', 1, 1, 1, 1],
      [a, '2024-05-10', '/about', 1, 1, 0, 1],
      [a, '2024-05-10', '/home', 5, 4, 5, 2],
      [a, '2024-05-10', '/product', 1, 1, 0, 2],
      [a, '2024-05-11', '/pricing', 1, 1, 0, 0],
      [a, '2024-05-11', '/product', 1, 1, 0, 0],
      [b, '2024-05-10', '/home', 1, 1, 1, 1],
    ]);
  });

  it('mart_sources_daily', async () => {
    expect(await martRows('sources_daily')).toEqual([
      [a, '2024-05-09', 'email', '', 'newsletter', 'email', 'may', 1, 1, 0],
      [a, '2024-05-10', 'direct', '', '', '', '', 2, 3, 0],
      [a, '2024-05-10', 'search', 'google.com', '', '', '', 1, 1, 1],
      [a, '2024-05-10', 'social', 'facebook.com', 'fb', 'social', 'spring', 1, 1, 0],
      [b, '2024-05-10', 'direct', '', '', '', '', 1, 1, 1],
    ]);
  });

  it('mart_devices_daily', async () => {
    expect(await martRows('devices_daily')).toEqual([
      [a, '2024-05-09', 'desktop', 'Chrome', 'Linux', 1, 1],
      [a, '2024-05-10', 'desktop', 'Chrome', 'Linux', 2, 2],
      [a, '2024-05-10', 'desktop', 'Firefox', 'Windows', 1, 2],
      [a, '2024-05-10', 'mobile', 'Safari', 'iOS', 1, 1],
      [a, '2024-05-11', 'desktop', 'Chrome', 'Linux', 1, 1],
      [b, '2024-05-10', 'desktop', 'Chrome', 'Linux', 1, 1],
    ]);
  });

  it('mart_attribution_daily', async () => {
    expect(await martRows('attribution_daily')).toEqual([
      [a, '2024-05-10', 'first_click', 'email', 'newsletter', 'may', 'promo', 1, 50], // the D-1 click is in the 7-day window
      [a, '2024-05-10', 'last_click', 'search', '', '', 'cta', 1, 50],
      [b, '2024-05-10', 'first_click', '(none)', '', '', '', 1, 20],
      [b, '2024-05-10', 'last_click', '(none)', '', '', '', 1, 20],
    ]);
  });

  it('mart_funnel_daily', async () => {
    const rows = await martRows('funnel_daily');
    expect(rows.filter((r) => r[1] === DAY)).toEqual([
      [a, DAY, 'buy', 1, 'home', 4],
      [a, DAY, 'buy', 2, 'product', 1], // v4 reached /product after midnight: not on D
      [a, DAY, 'buy', 3, 'checkout', 1],
      [b, DAY, 'buy', 1, 'home', 1],
      [b, DAY, 'buy', 2, 'product', 0],
      [b, DAY, 'buy', 3, 'checkout', 0],
    ]);
  });

  it('mart_heatmap_daily', async () => {
    expect(await martRows('heatmap_daily')).toEqual([
      [a, '2024-05-09', '/home', 500, 50, 1],
      [a, '2024-05-10', '/home', 0, 0, 1],
      [a, '2024-05-10', '/home', 100, 0, 1],
    ]);
  });
});

describe('mart_retention_weekly from the fixture', () => {
  it('puts every person of the fixture in the cohort of its week (Monday 2024-05-06)', async () => {
    // site a: v1, v2, v3, v4 (the bot is not a person); site b: v9. Nobody was seen before.
    expect(await martRows('retention_weekly')).toEqual([
      [a, '2024-05-06', 0, 4],
      [b, '2024-05-06', 0, 1],
    ]);
  });
});

describe('mart_events_daily from the fixture', () => {
  it('counts the custom events (the checkouts), not pageviews, impressions or clicks', async () => {
    expect(await martRows('events_daily')).toEqual([
      // site, day, type, events, visitors
      [a, DAY, 'checkout', 1, 1],
      [b, DAY, 'checkout', 1, 1],
    ]);
  });
});

describe('idempotence', () => {
  it('a second build and two concurrent builds give identical marts', async () => {
    const before = await snapshot();
    await build();
    expect(await snapshot()).toEqual(before);
    await Promise.all([build(), build()]);
    expect(await snapshot()).toEqual(before);
  });

  it('records every build in etl_runs', async () => {
    const result = await clickhouse.query({
      query: `SELECT count() AS n FROM etl_runs WHERE day = {day:Date} AND status = 'ok' AND mart = 'sessions'`,
      query_params: { day: DAY },
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ n: string }>();
    expect(Number(row?.n)).toBeGreaterThanOrEqual(4); // 1 + 1 + 2 builds of this test file
  });
});

describe('a late event', () => {
  it('is included by the next build of its day', async () => {
    await insertEvents(clickhouse, [lateClick(DAY, a)]);
    await buildMarts({
      clickhouse,
      pgPool,
      options,
      from: new Date(`${DAY}T00:00:00Z`),
      to: new Date(`${DAY}T01:00:00Z`),
    });
    expect((await martRows('traffic_hourly')).find((r) => r[1] === '2024-05-10 10:00:00')).toEqual([
      a,
      '2024-05-10 10:00:00',
      2,
      1,
      2,
      1,
      1,
      6,
    ]);
    expect((await martRows('attribution_daily')).filter((r) => r[0] === a && r[2] === 'last_click')).toEqual([
      [a, '2024-05-10', 'last_click', 'search', '', '', 'buy', 1, 50],
    ]);
    expect((await martRows('heatmap_daily')).filter((r) => r[1] === DAY)).toContainEqual([
      a,
      DAY,
      '/product',
      300,
      200,
      1,
    ]);
  });
});
