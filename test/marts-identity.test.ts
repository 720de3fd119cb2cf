/**
 * Identity stitching, hand-computed: an anonymous visitor who logs in, the same user on a
 * second device, an anonymous id later claimed by another user (the first claim wins), a
 * cookieless visitor, and a link learned after its day was built (a rebuild applies it).
 * `identify` events link ids and count nowhere.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildMarts } from '../etl/build-marts.js';
import { type FixtureEvent, fixtureId, insertEvents } from './support/mart-fixtures.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { createPgPool, type Pool } from '../lib/postgres.js';
import { testClickHouse, uniqueName } from './helpers.js';
import { TEST_BUILD_OPTIONS } from './support/build-options.js';

const options = TEST_BUILD_OPTIONS;
const site = uniqueName('ident');
let clickhouse: ClickHouseClient;
let pgPool: Pool;

const D = '2024-06-04';
function ev(n: number, ts: string, rest: Partial<FixtureEvent>): FixtureEvent {
  return { site_id: site, event_id: fixtureId(site, n), type: 'pageview', ts, path: '/home', ...rest };
}
/** What the consumer stores for an event with a user id: visitor u:<user>. */
const user = (id: string, anonymous_id = '') => ({ user_id: id, anonymous_id, visitor_id: `u:${id}` });
const identify = (n: number, ts: string, userId: string, anonymousId: string, session_id: string) =>
  ev(n, ts, { type: 'identify', session_id, path: '', ...user(userId, anonymousId) });

// prettier-ignore
const events: FixtureEvent[] = [
  ev(1, `${D} 10:00:00.000`, { session_id: 's1', anonymous_id: 'anon-1', visitor_id: 'h1' }),
  identify(2, `${D} 10:05:00.000`, 'alice', 'anon-1', 's1'),
  ev(3, `${D} 10:06:00.000`, { session_id: 's1', path: '/pricing', ...user('alice', 'anon-1') }),
  // alice's second device
  ev(4, `${D} 12:00:00.000`, { session_id: 's2', anonymous_id: 'anon-2', visitor_id: 'h2' }),
  identify(5, `${D} 12:01:00.000`, 'alice', 'anon-2', 's2'),
  ev(6, `${D} 12:02:00.000`, { session_id: 's2', type: 'click', element_id: 'signup', ...user('alice', 'anon-2') }),
  // bob logs in on alice's first device: anon-1 stays alice's, bob's own events are bob's
  identify(7, `${D} 13:00:00.000`, 'bob', 'anon-1', 's3'),
  ev(8, `${D} 13:01:00.000`, { session_id: 's3', ...user('bob', 'anon-1') }),
  ev(9, `${D} 14:30:00.000`, { session_id: 's4', path: '/about', anonymous_id: 'anon-1', visitor_id: 'h1b' }),
  // cookieless (no ids: the daily-salted hash) and an anonymous id nobody claimed
  ev(10, `${D} 15:00:00.000`, { session_id: 's5', visitor_id: 'h9' }),
  ev(11, `${D} 16:00:00.000`, { session_id: 's6', anonymous_id: 'anon-3', visitor_id: 'h3' }),
  // the day before: anon-4, identified only later (see the last test)
  ev(12, '2024-06-03 09:00:00.000', { session_id: 's7', anonymous_id: 'anon-4', visitor_id: 'h4' }),
];

async function rows(sql: string): Promise<unknown[][]> {
  const result = await clickhouse.query({ query: sql, query_params: { site }, format: 'JSONCompactEachRow' });
  return result.json<unknown[]>();
}

const build = () =>
  buildMarts({ clickhouse, pgPool, options, from: new Date('2024-06-03'), to: new Date('2024-06-05'), concurrency: 2 });

beforeAll(async () => {
  clickhouse = testClickHouse();
  pgPool = createPgPool(inject('databaseUrl'), () => {}, 6);
  await insertEvents(clickhouse, events);
  await build();
});

afterAll(async () => {
  await pgPool?.end();
  await clickhouse?.close();
});

describe('identity stitching', () => {
  it('mart_sessions: person_id after stitching', async () => {
    expect(
      await rows(`SELECT session_id, visitor_id, person_id, events, pageviews FROM mart_sessions
                  WHERE site_id = {site:String} ORDER BY session_id`),
    ).toEqual([
      ['s1', 'h1', 'u:alice', 2, 2], // the identify event is not an event of the session
      ['s2', 'h2', 'u:alice', 2, 1], // second device
      ['s3', 'u:bob', 'u:bob', 1, 1],
      ['s4', 'h1b', 'u:alice', 1, 1], // anon-1 again, after bob's claim: still alice's
      ['s5', 'h9', 'h9', 1, 1],
      ['s6', 'h3', 'a:anon-3', 1, 1],
      ['s7', 'h4', 'a:anon-4', 1, 1],
    ]);
  });

  it('mart_traffic_hourly: visitors are persons, identify events count nowhere', async () => {
    expect(
      await rows(`SELECT hour, pageviews, clicks, visitors, sessions, events FROM mart_traffic_hourly
                  WHERE site_id = {site:String} ORDER BY hour`),
    ).toEqual([
      ['2024-06-03 09:00:00', 1, 0, 1, 1, 1],
      ['2024-06-04 10:00:00', 2, 0, 1, 1, 2], // anonymous then logged in: one visitor
      ['2024-06-04 12:00:00', 1, 1, 1, 1, 2],
      ['2024-06-04 13:00:00', 1, 0, 1, 1, 1],
      ['2024-06-04 14:00:00', 1, 0, 1, 1, 1],
      ['2024-06-04 15:00:00', 1, 0, 1, 1, 1],
      ['2024-06-04 16:00:00', 1, 0, 1, 1, 1],
    ]);
  });

  it('daily marts: distinct persons', async () => {
    expect(
      await rows(
        `SELECT day, path, pageviews, visitors FROM mart_pages_daily WHERE site_id = {site:String} ORDER BY day, path`,
      ),
    ).toEqual([
      ['2024-06-03', '/home', 1, 1],
      [D, '/about', 1, 1],
      [D, '/home', 5, 4], // alice (two devices), bob, the cookieless visitor, anon-3
      [D, '/pricing', 1, 1],
    ]);
    expect(
      await rows(`SELECT day, visitors, sessions FROM mart_sources_daily WHERE site_id = {site:String} ORDER BY day`),
    ).toEqual([
      ['2024-06-03', 1, 1],
      [D, 4, 6],
    ]);
  });

  it('a rebuild applies a link learned after the day was built', async () => {
    await insertEvents(clickhouse, [identify(13, `${D} 17:00:00.000`, 'carol', 'anon-4', 's8')]);
    expect(
      await rows(`SELECT person_id FROM mart_sessions WHERE site_id = {site:String} AND session_id = 's7'`),
    ).toEqual([['a:anon-4']]);
    await build();
    expect(
      await rows(`SELECT person_id FROM mart_sessions WHERE site_id = {site:String} AND session_id = 's7'`),
    ).toEqual([['u:carol']]);
    expect(await rows(`SELECT count() FROM mart_sessions WHERE site_id = {site:String} AND session_id = 's8'`)).toEqual(
      [[0]],
    );
    // the week of 2024-06-03: carol, alice, bob, the cookieless visitor and anon-3
    expect(await rows(`SELECT * FROM mart_retention_weekly WHERE site_id = {site:String}`)).toEqual([
      [site, '2024-06-03', 0, 5],
    ]);
  });
});
