/**
 * The etl role end to end: graphile-worker runs `schedule_marts` (what the crontab runs),
 * which queues one build per mart and day; a late event is in the marts after the next
 * scheduled run, and every build is in etl_runs.
 */
import { quickAddJob } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startEtl } from '../etl/role.js';
import { MART_NAMES } from '../etl/marts.js';
import { fixtureEvents, insertEvents, lateClick } from './support/mart-fixtures.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { createLogger } from '../lib/logger.js';
import { queryRows, sleepUntil, testClickHouse, testConfig, testEndpoints, uniqueName } from './helpers.js';

const DAY = '2023-03-15';
let clickhouse: ClickHouseClient;
let etl: { stop(): Promise<void> };
const a = uniqueName('site_a');
const b = uniqueName('site_b');

async function scheduledRun(): Promise<void> {
  const since = new Date().toISOString().replace('T', ' ').replace('Z', '');
  // what the crontab enqueues at 12:00 on DAY with a 3 hour lookback
  await quickAddJob({ connectionString: inject('databaseUrl') }, 'schedule_marts', {
    hours: 3,
    _cron: { ts: `${DAY}T12:00:00.000Z` },
  });
  await sleepUntil(
    'a cron build of every mart',
    async () => {
      const rows = await queryRows<{ n: string }>(
        clickhouse,
        // weekly marts name their build by the week's Monday
        `SELECT uniqExact(mart) AS n FROM etl_runs
         WHERE (day = {day:Date} OR (mart = 'retention_weekly' AND day = toMonday({day:Date})))
           AND trigger = 'cron' AND status = 'ok' AND started_at >= {since:DateTime64(3, 'UTC')}`,
        { day: DAY, since },
      );
      return Number(rows[0]?.n) === MART_NAMES.length;
    },
    60_000,
    200,
  );
}

async function hour10(): Promise<unknown> {
  const rows = await queryRows<Record<string, unknown>>(
    clickhouse,
    `SELECT pageviews, clicks, events FROM mart_traffic_hourly WHERE site_id = {a:String} AND hour = {hour:DateTime('UTC')}`,
    { a, hour: `${DAY} 10:00:00` },
  );
  return rows[0];
}

beforeAll(async () => {
  clickhouse = testClickHouse();
  etl = await startEtl({
    config: testConfig({ ETL_CONCURRENCY: '3' }),
    endpoints: testEndpoints(),
    logger: createLogger('silent'),
  });
});

afterAll(async () => {
  await etl?.stop();
  await clickhouse?.close();
});

describe('clickstream etl', () => {
  it('builds the marts on schedule and picks up a late event on the next run', async () => {
    await insertEvents(clickhouse, fixtureEvents(DAY, a, b));
    await scheduledRun();
    expect(await hour10()).toEqual({ pageviews: 2, clicks: 1, events: 5 });

    await insertEvents(clickhouse, [lateClick(DAY, a)]);
    expect(await hour10()).toEqual({ pageviews: 2, clicks: 1, events: 5 }); // not before a build
    await scheduledRun();
    expect(await hour10()).toEqual({ pageviews: 2, clicks: 2, events: 6 });
  });
});
