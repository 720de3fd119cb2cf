/**
 * Marts fresh within a minute: events posted through the API appear in mart_traffic_hourly
 * and mart_ctr_daily (the public names Grafana reads) with no mart build, duplicates
 * included — the speed layer counts a duplicate until the next exact build of its hour,
 * which then counts it once and takes over from the speed layer without double counting.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildMarts } from '../etl/build-marts.js';
import { speedCutoff } from '../etl/build-partition.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { createPgPool, type Pool } from '../lib/postgres.js';
import { localDayOf } from '../lib/time-zones.js';
import { queryRows, sleepUntil, testClickHouse, uniqueName } from './helpers.js';
import { type RunningPipeline, startPipeline } from './running-pipeline.js';
import { TEST_BUILD_OPTIONS } from './support/build-options.js';

const ZONE = 'Asia/Kolkata';
const site = uniqueName('speed');
const options = TEST_BUILD_OPTIONS;
let pipeline: RunningPipeline;
let clickhouse: ClickHouseClient;
let pgPool: Pool;

interface Hour {
  pageviews: number;
  impressions: number;
  clicks: number;
  visitors: number;
  sessions: number;
  events: number;
}
async function hourRow(hour: Date): Promise<Hour | undefined> {
  const [row] = await queryRows<Hour>(
    clickhouse,
    `SELECT pageviews, impressions, clicks, visitors, sessions, events FROM mart_traffic_hourly
     WHERE site_id = {site:String} AND hour = {hour:DateTime('UTC')}`,
    { site, hour: hour.toISOString().slice(0, 19).replace('T', ' ') },
  );
  return row;
}

beforeAll(async () => {
  pipeline = await startPipeline(site, ZONE);
  clickhouse = testClickHouse();
  pgPool = createPgPool(inject('databaseUrl'), () => {}, 4);
});

afterAll(async () => {
  await pipeline?.stop();
  await pgPool?.end();
  await clickhouse?.close();
});

describe('speed layer', () => {
  // all in the current hour: after the hour started, before now
  const hour = speedCutoff(new Date());
  const t = new Date(Math.max(hour.getTime() + 1, Date.now() - 2000)).toISOString();
  const dup = crypto.randomUUID();
  const base = { session_id: 'sp-1', anonymous_id: 'x1', created_at: t, url: 'https://shop.example/p' };

  it('shows posted events in the public marts within 60 s, a duplicate counted until the exact build', async () => {
    const posted = Date.now();
    await pipeline.post([
      { ...base, type: 'pageview', event_id: dup },
      { ...base, type: 'pageview' },
      { ...base, type: 'pageview' },
      { ...base, type: 'impression', payload: { element_id: 'hero' } },
      { ...base, type: 'impression', payload: { element_id: 'hero' } },
      { ...base, type: 'click', payload: { element_id: 'hero', x: 1, y: 2 } },
      { type: 'identify', user_id: 'u1', anonymous_id: 'x1', created_at: t }, // a link, not activity
    ]);
    await pipeline.post([{ ...base, type: 'pageview', event_id: dup }]); // a client retry
    const row = await sleepUntil(
      'the events in mart_traffic_hourly',
      async () => {
        const r = await hourRow(hour);
        return r && r.events === 7 ? r : undefined;
      },
      60_000,
      250,
    );
    expect(row).toEqual({ pageviews: 4, impressions: 2, clicks: 1, visitors: 1, sessions: 1, events: 7 });
    const ctr = await sleepUntil(
      'the events in mart_ctr_daily',
      async () => {
        const rows = await queryRows<{ day: string; impressions: number; clicks: number }>(
          clickhouse,
          `SELECT day, impressions, clicks FROM mart_ctr_daily WHERE site_id = {site:String} AND element_id = 'hero'`,
          { site },
        );
        return rows.length > 0 ? rows : undefined;
      },
      60_000,
      250,
    );
    // the site's local (Kolkata) date of the events
    expect(ctr).toEqual([{ day: localDayOf(new Date(t), ZONE), impressions: 2, clicks: 1 }]);
    expect(Date.now() - posted).toBeLessThan(60_000);
  });

  it('hands an hour over to the exact build, which counts the duplicate once', async () => {
    // the previous hour: the next exact build counts it
    const previous = new Date(hour.getTime() - 3_600_000);
    const p = new Date(hour.getTime() - 20 * 60_000).toISOString();
    const again = crypto.randomUUID();
    await pipeline.post([
      { session_id: 'sp-2', anonymous_id: 'x2', created_at: p, type: 'pageview', url: '/q', event_id: again },
      { session_id: 'sp-2', anonymous_id: 'x2', created_at: p, type: 'pageview', url: '/q' },
    ]);
    await pipeline.post([
      { session_id: 'sp-2', anonymous_id: 'x2', created_at: p, type: 'pageview', url: '/q', event_id: again },
    ]);
    // the speed layer has all three copies. Read from its own table: the public view shows an
    // hour from the exact layer once any build of today has run (other test files build today's
    // marts in the same database), and such a build may run before these late events arrive.
    await sleepUntil(
      'the previous hour in the speed layer',
      async () => {
        const [row] = await queryRows<{ pageviews: number }>(
          clickhouse,
          `SELECT toUInt32(sum(pageviews)) AS pageviews FROM mart_traffic_hourly_speed
           WHERE site_id = {site:String} AND hour = {hour:DateTime('UTC')}`,
          { site, hour: previous.toISOString().slice(0, 19).replace('T', ' ') },
        );
        return row?.pageviews === 3;
      },
      60_000,
      250,
    );
    const buildStart = new Date();
    await buildMarts({
      clickhouse,
      pgPool,
      options,
      marts: ['traffic_hourly', 'ctr_daily'],
      from: previous,
      to: buildStart,
    });
    expect(await hourRow(previous)).toEqual({
      pageviews: 2,
      impressions: 0,
      clicks: 0,
      visitors: 1,
      sessions: 1,
      events: 2,
    });
    // the current hour stays with the speed layer (duplicate included) unless the hour
    // turned while the test ran, and then the build counted it, exactly
    const exact = speedCutoff(buildStart).getTime() > hour.getTime();
    expect(await hourRow(hour)).toEqual(
      exact
        ? { pageviews: 3, impressions: 2, clicks: 1, visitors: 1, sessions: 1, events: 6 }
        : { pageviews: 4, impressions: 2, clicks: 1, visitors: 1, sessions: 1, events: 7 },
    );
  });
});
