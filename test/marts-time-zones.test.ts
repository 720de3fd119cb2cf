/**
 * Site-local days, hand-computed: a Moscow (UTC+3) and a Kolkata (UTC+5:30) site with
 * events on both sides of their local midnight, a Berlin site on its 23-hour (2024-03-31)
 * and 25-hour (2024-10-27) days, and a site Postgres does not know (UTC). Daily marts and
 * sessions follow each site's own day; mart_traffic_hourly stays in UTC hours.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildMarts } from '../etl/build-marts.js';
import { type FixtureEvent, fixtureId, insertEvents } from './support/mart-fixtures.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { createPgPool, type Pool } from '../lib/postgres.js';
import { createSiteStore } from '../lib/sites.js';
import { queryRows, testClickHouse, uniqueName } from './helpers.js';
import { TEST_BUILD_OPTIONS } from './support/build-options.js';

const options = TEST_BUILD_OPTIONS;
const m = uniqueName('tz_moscow');
const k = uniqueName('tz_kolkata');
const b = uniqueName('tz_berlin');
const u = uniqueName('tz_unknown');
let clickhouse: ClickHouseClient;
let pgPool: Pool;

function ev(site: string, n: number, ts: string, rest: Partial<FixtureEvent>): FixtureEvent {
  return { site_id: site, event_id: fixtureId(site, n), type: 'pageview', ts, path: '/a', ...rest };
}

// prettier-ignore
const events: FixtureEvent[] = [
  ev(m, 1, '2024-05-09 20:59:59.000', { session_id: 'm-s1', visitor_id: 'mv1' }), // 23:59:59 May 9 Moscow
  ev(m, 2, '2024-05-09 21:00:00.000', { session_id: 'm-s2', visitor_id: 'mv2', path: '/b' }), // 00:00 May 10
  ev(m, 3, '2024-05-09 21:10:00.000', {
    session_id: 'm-s2',
    visitor_id: 'mv2',
    path: '/b',
    type: 'click',
    element_id: 'cta',
  }),
  ev(m, 4, '2024-05-10 20:59:00.000', {
    session_id: 'm-s3',
    visitor_id: 'mv3',
    path: '/b',
    type: 'impression',
    element_id: 'cta',
  }),
  ev(m, 5, '2024-05-10 21:00:00.000', { session_id: 'm-s4', visitor_id: 'mv3', path: '/c' }), // 00:00 May 11
  ev(k, 1, '2024-05-09 18:29:59.999', { session_id: 'k-s1', visitor_id: 'kv1' }), // 23:59:59.999 May 9 Kolkata
  ev(k, 2, '2024-05-09 18:30:00.000', { session_id: 'k-s2', visitor_id: 'kv2' }), // 00:00 May 10
  ev(k, 3, '2024-05-10 18:20:00.000', { session_id: 'k-s3', visitor_id: 'kv3' }), // 23:50 May 10
  ev(k, 4, '2024-05-10 18:40:00.000', { session_id: 'k-s3', visitor_id: 'kv3', path: '/b' }), // 00:10 May 11, same session
  ev(b, 1, '2024-03-30 22:59:59.000', { session_id: 'b-s1', visitor_id: 'bv1' }), // 23:59:59 CET Mar 30
  ev(b, 2, '2024-03-30 23:00:00.000', { session_id: 'b-s2', visitor_id: 'bv1' }), // 00:00 CET Mar 31
  ev(b, 3, '2024-03-31 21:59:59.000', { session_id: 'b-s3', visitor_id: 'bv2' }), // 23:59:59 CEST Mar 31 (23 h day)
  ev(b, 4, '2024-03-31 22:00:00.000', { session_id: 'b-s4', visitor_id: 'bv2' }), // 00:00 CEST Apr 1
  ev(b, 5, '2024-10-26 21:59:59.000', { session_id: 'b-s5', visitor_id: 'bv3' }), // 23:59:59 CEST Oct 26
  ev(b, 6, '2024-10-26 22:00:00.000', { session_id: 'b-s6', visitor_id: 'bv3' }), // 00:00 CEST Oct 27
  ev(b, 7, '2024-10-27 22:59:59.000', { session_id: 'b-s7', visitor_id: 'bv4' }), // 23:59:59 CET Oct 27 (25 h day)
  ev(b, 8, '2024-10-27 23:00:00.000', { session_id: 'b-s8', visitor_id: 'bv4' }), // 00:00 CET Oct 28
  ev(u, 1, '2024-05-09 21:00:00.000', { session_id: 'u-s1', visitor_id: 'uv1' }),
  ev(u, 2, '2024-05-09 23:59:59.999', { session_id: 'u-s1', visitor_id: 'uv1' }),
];

async function rows(sql: string): Promise<unknown[][]> {
  const result = await clickhouse.query({
    query: sql,
    query_params: { m, k, b, u },
    format: 'JSONCompactEachRow',
  });
  return result.json<unknown[]>();
}

const SITES = 'site_id IN ({m:String}, {k:String}, {b:String}, {u:String})';

beforeAll(async () => {
  clickhouse = testClickHouse();
  pgPool = createPgPool(inject('databaseUrl'), () => {}, 6);
  const sites = createSiteStore(pgPool);
  await sites.add(m, [], 'Europe/Moscow');
  await sites.add(k, [], 'Asia/Kolkata');
  await sites.add(b, [], 'Europe/Berlin');
  await insertEvents(clickhouse, events);
  const marts = ['traffic_hourly', 'sessions', 'ctr_daily', 'pages_daily'] as const;
  for (const [from, to] of [
    ['2024-05-08', '2024-05-12'],
    ['2024-03-29', '2024-04-02'],
    ['2024-10-25', '2024-10-29'],
  ]) {
    await buildMarts({ clickhouse, pgPool, options, marts, from: new Date(from!), to: new Date(to!), concurrency: 2 });
  }
});

afterAll(async () => {
  await pgPool?.end();
  await clickhouse?.close();
});

describe('site time zones', () => {
  it('mart_pages_daily counts each event on its site-local day', async () => {
    expect(
      await rows(`SELECT site_id, day, path, pageviews, visitors, entries, exits FROM mart_pages_daily
                  WHERE ${SITES} ORDER BY site_id, day, path`),
    ).toEqual(
      [
        // site, day, path, pageviews, visitors, entries, exits
        [b, '2024-03-30', '/a', 1, 1, 1, 1],
        [b, '2024-03-31', '/a', 2, 2, 2, 2], // 23:00 UTC Mar 30 .. 21:59:59 UTC Mar 31: 23 hours
        [b, '2024-04-01', '/a', 1, 1, 1, 1],
        [b, '2024-10-26', '/a', 1, 1, 1, 1],
        [b, '2024-10-27', '/a', 2, 2, 2, 2], // 22:00 UTC Oct 26 .. 22:59:59 UTC Oct 27: 25 hours
        [b, '2024-10-28', '/a', 1, 1, 1, 1],
        [k, '2024-05-09', '/a', 1, 1, 1, 1],
        [k, '2024-05-10', '/a', 2, 2, 2, 1],
        [k, '2024-05-10', '/b', 0, 0, 0, 1], // k-s3 started May 10 and left from /b after midnight
        [k, '2024-05-11', '/b', 1, 1, 0, 0], // its pageview after local midnight counts on May 11
        [m, '2024-05-09', '/a', 1, 1, 1, 1],
        [m, '2024-05-10', '/b', 1, 1, 2, 2], // m-s3 (an impression only) enters and exits on /b
        [m, '2024-05-11', '/c', 1, 1, 1, 1],
        [u, '2024-05-09', '/a', 2, 1, 1, 1], // no zone in Postgres: UTC
      ].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    );
  });

  it('mart_sessions puts a session on the local day of its first event', async () => {
    expect(await rows(`SELECT session_id, day FROM mart_sessions WHERE ${SITES} ORDER BY session_id`)).toEqual([
      ['b-s1', '2024-03-30'],
      ['b-s2', '2024-03-31'],
      ['b-s3', '2024-03-31'],
      ['b-s4', '2024-04-01'],
      ['b-s5', '2024-10-26'],
      ['b-s6', '2024-10-27'],
      ['b-s7', '2024-10-27'],
      ['b-s8', '2024-10-28'],
      ['k-s1', '2024-05-09'],
      ['k-s2', '2024-05-10'],
      ['k-s3', '2024-05-10'], // crosses Kolkata midnight: whole, on the day it started
      ['m-s1', '2024-05-09'],
      ['m-s2', '2024-05-10'], // 21:00 UTC May 9 is 00:00 May 10 in Moscow
      ['m-s3', '2024-05-10'],
      ['m-s4', '2024-05-11'],
      ['u-s1', '2024-05-09'],
    ]);
  });

  it('mart_ctr_daily uses the local day', async () => {
    expect(
      await rows(`SELECT site_id, day, path, element_id, impressions, clicks FROM mart_ctr_daily WHERE ${SITES}`),
    ).toEqual([
      [m, '2024-05-10', '/b', 'cta', 1, 1], // a click at 21:10 UTC May 9 and an impression at 20:59 UTC May 10
    ]);
  });

  it('mart_traffic_hourly stays in UTC hours', async () => {
    expect(
      await rows(`SELECT hour, pageviews, impressions, clicks, visitors, sessions, events FROM mart_traffic_hourly
                  WHERE site_id = {m:String} ORDER BY hour`),
    ).toEqual([
      ['2024-05-09 20:00:00', 1, 0, 0, 1, 1, 1],
      ['2024-05-09 21:00:00', 1, 0, 1, 1, 1, 2],
      ['2024-05-10 20:00:00', 0, 1, 0, 1, 1, 1],
      ['2024-05-10 21:00:00', 1, 0, 0, 1, 1, 1],
    ]);
  });

  it('records the UTC range a local day covered in etl_runs', async () => {
    const [run] = await queryRows<{ range_from: string; range_to: string }>(
      clickhouse,
      `SELECT range_from, range_to FROM etl_runs WHERE mart = 'pages_daily' AND day = '2024-05-10'
       ORDER BY started_at DESC LIMIT 1`,
    );
    // at least from Kolkata's midnight (18:30 UTC the day before) to UTC's
    expect(run!.range_from <= '2024-05-09 18:30:00.000').toBe(true);
    expect(run!.range_to >= '2024-05-11 00:00:00.000').toBe(true);
  });
});
