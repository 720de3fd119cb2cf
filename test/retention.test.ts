/**
 * mart_retention_weekly end to end: 14 weeks of events posted through the API (old events
 * allowed by API_BACKFILL_WINDOW_HOURS and CONSUMER_MAX_EVENT_AGE_DAYS), identify events
 * included, for a Moscow site; the cohort table equals the hand-computed one. Weeks are
 * Moscow weeks: a Sunday-night and a Monday-night event in the same UTC week fall in two.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildMarts } from '../etl/build-marts.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { createPgPool, type Pool } from '../lib/postgres.js';
import { addDays, localDayOf, localDayStart, mondayOf } from '../lib/time-zones.js';
import { type RunningPipeline, startPipeline } from './running-pipeline.js';
import { testClickHouse, uniqueName } from './helpers.js';
import { TEST_BUILD_OPTIONS } from './support/build-options.js';

const ZONE = 'Europe/Moscow';
const site = uniqueName('retention');
const options = TEST_BUILD_OPTIONS;
// W13 is last week (Moscow), W0 thirteen weeks before it
const W13 = addDays(mondayOf(localDayOf(new Date(), ZONE)), -7);
const week = (n: number) => addDays(W13, (n - 13) * 7);
/** An instant given as Moscow wall-clock time: week n, day of week (0 = Monday), hour, minute. */
const at = (n: number, weekday: number, hour: number, minute = 0) =>
  new Date(localDayStart(addDays(week(n), weekday), ZONE).getTime() + (hour * 60 + minute) * 60_000).toISOString();

const pageview = (created_at: string, ids: { user_id?: string; anonymous_id?: string }) => ({
  type: 'pageview',
  url: 'https://shop.example/',
  created_at,
  ...ids,
});
const identify = (created_at: string, user_id: string, anonymous_id: string) => ({
  type: 'identify',
  created_at,
  user_id,
  anonymous_id,
});

// prettier-ignore
const EVENTS = [
  ...[0, 1, 2, 13].map((n) => pageview(at(n, 1, 10), { user_id: 'p1' })),
  ...[0, 5].map((n) => pageview(at(n, 2, 10), { user_id: 'p2' })),
  ...[1, 2].map((n) => pageview(at(n, 3, 10), { anonymous_id: 'anon-p3' })),
  // p4: first device in week 3, second device in week 4, linked to p4 only in week 6
  pageview(at(3, 2, 10), { anonymous_id: 'd1' }),
  identify(at(3, 2, 10, 1), 'p4', 'd1'),
  pageview(at(4, 2, 10), { anonymous_id: 'd2' }),
  identify(at(6, 2, 10), 'p4', 'd2'),
  pageview(at(6, 2, 10, 1), { user_id: 'p4', anonymous_id: 'd2' }),
  // p5: Sunday 22:30 and Monday 00:30 Moscow (19:30 and 21:30 UTC on Sunday): two local weeks
  pageview(at(2, 6, 22, 30), { anonymous_id: 'anon-p5' }),
  pageview(at(3, 0, 0, 30), { anonymous_id: 'anon-p5' }),
  // cookieless: no ids, two days of week 7, posted on the same day (same salt): one person
  pageview(at(7, 1, 12), {}),
  pageview(at(7, 3, 12), {}),
  // an identity link alone is not activity
  identify(at(8, 1, 9), 'p6', 'anon-p6'),
];

let pipeline: RunningPipeline;
let clickhouse: ClickHouseClient;
let pgPool: Pool;

beforeAll(async () => {
  pipeline = await startPipeline(site, ZONE, {
    API_BACKFILL_WINDOW_HOURS: String(16 * 7 * 24),
    CONSUMER_MAX_EVENT_AGE_DAYS: '120',
  });
  clickhouse = testClickHouse();
  pgPool = createPgPool(inject('databaseUrl'), () => {}, 4);
  expect((await pipeline.post(EVENTS)).accepted).toBe(EVENTS.length);
  await pipeline.waitForRows(EVENTS.length);
  await buildMarts({
    clickhouse,
    pgPool,
    options,
    marts: ['retention_weekly'],
    from: new Date(localDayStart(week(0), ZONE)),
    to: new Date(),
    concurrency: 2,
  });
}, 180_000);

afterAll(async () => {
  await pipeline?.stop();
  await pgPool?.end();
  await clickhouse?.close();
});

describe('mart_retention_weekly', () => {
  it('equals the hand-computed cohort table', async () => {
    const result = await clickhouse.query({
      query: `SELECT toString(cohort_week), week_offset, persons FROM mart_retention_weekly
              WHERE site_id = {site:String} ORDER BY cohort_week, week_offset`,
      query_params: { site },
      format: 'JSONCompactEachRow',
    });
    expect(await result.json()).toEqual([
      [week(0), 0, 2], // p1, p2
      [week(0), 1, 1], // p1
      [week(0), 2, 1], // p1
      [week(0), 5, 1], // p2
      [week(0), 13, 1], // p1, last week
      [week(1), 0, 1], // p3 (anonymous)
      [week(1), 1, 1],
      [week(2), 0, 1], // p5 on Sunday night
      [week(2), 1, 1], // p5 on Monday night: the next Moscow week
      [week(3), 0, 1], // p4, first device
      [week(3), 1, 1], // p4's second device, stitched by the week-6 link
      [week(3), 3, 1], // p4 in week 6 (the identify itself is not activity)
      [week(7), 0, 1], // the cookieless visitor
    ]);
  });
});
