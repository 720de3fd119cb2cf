/**
 * `clickstream backfill`: rebuilds a range of days, reports progress on stderr and exits 0.
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { backfillCommand } from '../cli/commands/backfill.js';
import { UsageError } from '../cli/command.js';
import { fixtureEvents, insertEvents } from './support/mart-fixtures.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { queryRows, testClickHouse, uniqueName } from './helpers.js';

const DAY = '2022-07-20';
let clickhouse: ClickHouseClient;
const a = uniqueName('site_a');
const b = uniqueName('site_b');

beforeAll(async () => {
  // the command reads its config from the environment, as `clickstream backfill` does
  Object.assign(process.env, inject('testEnv'));
  clickhouse = testClickHouse();
  await insertEvents(clickhouse, fixtureEvents(DAY, a, b));
});

afterAll(async () => {
  await clickhouse.close();
});

describe('clickstream backfill', () => {
  it('rebuilds every day of the range, with progress on stderr, and exits 0', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let code: number;
    let progress: string;
    try {
      code = await backfillCommand.run({
        values: { from: '2022-07-19', to: '2022-07-22', mart: 'traffic_hourly,mart_sessions' },
        positionals: [],
      });
    } finally {
      progress = stderr.mock.calls.map((c) => String(c[0])).join('');
      stderr.mockRestore();
    }
    expect(code).toBe(0);
    // 3 UTC days of traffic_hourly; sessions count site-local days, so the range touches a
    // day more on either side when another test has added a site east or west of UTC
    const builds = Number(/backfill: (\d+) builds/.exec(progress)?.[1]);
    expect(builds).toBeGreaterThanOrEqual(6);
    expect(builds).toBeLessThanOrEqual(8);
    expect(progress).toContain(`${builds}/${builds}`);
    const sessions = await queryRows<{ day: string; n: number }>(
      clickhouse,
      'SELECT toDate(started_at) AS day, count() AS n FROM mart_sessions WHERE site_id = {a:String} GROUP BY day ORDER BY day',
      { a },
    );
    expect(sessions).toEqual([
      { day: '2022-07-19', n: 1 },
      { day: '2022-07-20', n: 5 },
    ]);
    const runs = await queryRows<{ n: string }>(
      clickhouse,
      "SELECT count() AS n FROM etl_runs WHERE trigger = 'backfill' AND day BETWEEN '2022-07-19' AND '2022-07-21'",
    );
    expect(Number(runs[0]?.n)).toBeGreaterThanOrEqual(6);
  });

  it.each([
    ['a missing --from', { to: '2022-07-20' }, /--from is required/],
    ['a bad --to', { from: '2022-07-20', to: 'soon' }, /--to=soon: expected an ISO 8601/],
    ['an empty range', { from: '2022-07-20', to: '2022-07-20' }, /--to must be after --from/],
    ['an unknown mart', { from: '2022-07-19', to: '2022-07-20', mart: 'nope' }, /--mart=nope: expected one of/],
  ])('refuses %s', async (_name, values, message) => {
    await expect(backfillCommand.run({ values, positionals: [] })).rejects.toThrow(UsageError);
    await expect(backfillCommand.run({ values, positionals: [] })).rejects.toThrow(message);
  });
});
