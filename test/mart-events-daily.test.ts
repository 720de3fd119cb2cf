/**
 * mart_events_daily on an event set of its own, counted by hand: custom types only (no
 * pageview, impression, click or identify link), each event once (a duplicate insert, a
 * copy moved across midnight), bots out, distinct visitors per type and day, per site.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildMarts } from '../etl/build-marts.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { createPgPool, type Pool } from '../lib/postgres.js';
import { testClickHouse, uniqueName } from './helpers.js';
import { type FixtureEvent, fixtureId, insertEvents } from './support/mart-fixtures.js';
import { TEST_BUILD_OPTIONS } from './support/build-options.js';

const D = '2024-06-03';
const NEXT = '2024-06-04';
const options = TEST_BUILD_OPTIONS;

let clickhouse: ClickHouseClient;
let pgPool: Pool;
const s1 = uniqueName('ev_a');
const s2 = uniqueName('ev_b');

function events(): FixtureEvent[] {
  const e = (n: number, site: string, visitor: string, type: string, ts: string, more: Partial<FixtureEvent> = {}) => ({
    event_id: fixtureId(site, n),
    site_id: site,
    visitor_id: visitor,
    type,
    ts,
    ...more,
  });
  return [
    e(1, s1, 'v1', 'order_completed', `${D} 10:00:00.000`),
    // a retry stored twice: one event
    e(1, s1, 'v1', 'order_completed', `${D} 10:00:00.004`, { inserted_at: `${D} 10:00:09.000` }),
    e(2, s1, 'v1', 'order_completed', `${D} 11:00:00.000`),
    e(3, s1, 'v2', 'order_completed', `${D} 12:00:00.000`),
    e(4, s1, 'v2', 'screen', `${D} 12:01:00.000`),
    e(5, s1, 'vbot', 'order_completed', `${D} 12:02:00.000`, { is_bot: true }),
    e(6, s1, 'v1', 'pageview', `${D} 09:59:00.000`),
    e(7, s1, 'v1', 'click', `${D} 09:59:30.000`),
    e(8, s1, 'v1', 'impression', `${D} 09:59:31.000`),
    e(9, s1, 'v1', 'identify', `${D} 10:05:00.000`),
    // one event, a copy on each side of midnight: the later insert (next day) wins
    e(10, s1, 'v3', 'order_completed', `${D} 23:59:59.999`, { inserted_at: `${NEXT} 00:00:01.000` }),
    e(10, s1, 'v3', 'order_completed', `${NEXT} 00:00:00.003`, { inserted_at: `${NEXT} 00:00:05.000` }),
    e(11, s2, 'v9', 'signup', `${D} 08:00:00.000`),
  ];
}

beforeAll(async () => {
  clickhouse = testClickHouse();
  pgPool = createPgPool(inject('databaseUrl'), () => {}, 4);
  await insertEvents(clickhouse, events());
  await buildMarts({
    clickhouse,
    pgPool,
    options,
    from: new Date(`${D}T00:00:00Z`),
    to: new Date(`${NEXT}T23:00:00Z`),
    marts: ['events_daily'],
  });
});

afterAll(async () => {
  await pgPool.end();
  await clickhouse.close();
});

describe('mart_events_daily', () => {
  it('one row per site, day and custom type, with events and distinct visitors', async () => {
    const result = await clickhouse.query({
      query: 'SELECT * FROM mart_events_daily WHERE site_id IN ({a:String}, {b:String}) ORDER BY ALL',
      query_params: { a: s1, b: s2 },
      format: 'JSONCompactEachRow',
    });
    expect(await result.json()).toEqual([
      [s1, D, 'order_completed', 3, 2],
      [s1, D, 'screen', 1, 1],
      [s1, NEXT, 'order_completed', 1, 1],
      [s2, D, 'signup', 1, 1],
    ]);
  });
});
