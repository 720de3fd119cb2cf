/**
 * `clickstream erase`: a person's events leave clickstream.events and every mart that
 * counted them, and nothing else moves. The person is a user (with the anonymous events of
 * the anonymous ids linked to them) or an anonymous id alone.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { buildMarts } from '../etl/build-marts.js';
import type { ErasureReport } from '../etl/erase-person.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { createPgPool, type Pool } from '../lib/postgres.js';
import { queryRows, testClickHouse, uniqueName } from './helpers.js';
import { type FixtureEvent, fixtureId, insertEvents } from './support/mart-fixtures.js';
import { TEST_BUILD_OPTIONS } from './support/build-options.js';

const run = promisify(execFile);
const erase = async (...args: string[]) => {
  const { stdout } = await run(process.execPath, ['bin/clickstream.js', 'erase', ...args], {
    env: { ...process.env, ...inject('testEnv'), LOG_LEVEL: 'silent' },
  });
  return stdout;
};

const options = TEST_BUILD_OPTIONS;
const DAY_MS = 86_400_000;
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY_MS).toISOString().slice(0, 10);

let clickhouse: ClickHouseClient;
let pgPool: Pool;
const site = uniqueName('erase').replace(/_/g, '-');

/** Who did what: user u1 (signed in, also via anonymous a1), a1 anonymous, a2 never linked, u2 on a1's device. */
function fixture(): FixtureEvent[] {
  let n = 0;
  const ev = (d: string, time: string, ids: Partial<FixtureEvent>, type = 'pageview'): FixtureEvent => ({
    event_id: fixtureId(site, ++n),
    site_id: site,
    type,
    ts: `${d} ${time}`,
    path: '/p',
    ...ids,
  });
  const [d1, d2] = [day(3), day(2)];
  const u1 = { user_id: 'u1', visitor_id: 'u:u1', session_id: 's-u1' };
  return [
    ev(d1, '10:00:00.000', { anonymous_id: 'a1', visitor_id: 'h-a1', session_id: 's-a1' }),
    ev(d1, '10:05:00.000', { anonymous_id: 'a1', visitor_id: 'h-a1', session_id: 's-a1' }, 'click'),
    ev(d1, '10:10:00.000', { ...u1, anonymous_id: 'a1' }, 'identify'),
    ev(d1, '10:11:00.000', u1),
    ev(d2, '09:00:00.000', u1),
    ev(d2, '09:01:00.000', u1, 'click'),
    // not u1's: another visitor, and another user who later used the same device
    ev(d1, '11:00:00.000', { anonymous_id: 'a2', visitor_id: 'h-a2', session_id: 's-a2' }),
    ev(d2, '12:00:00.000', { anonymous_id: 'a2', visitor_id: 'h-a2', session_id: 's-a2' }),
    ev(d2, '13:00:00.000', { user_id: 'u2', anonymous_id: 'a1', visitor_id: 'u:u2', session_id: 's-u2' }),
  ];
}

const stored = async () =>
  (
    await queryRows<{ user_id: string; anonymous_id: string; type: string }>(
      clickhouse,
      'SELECT user_id, anonymous_id, type FROM events FINAL WHERE site_id = {site:String} ORDER BY ts',
      { site },
    )
  ).map((r) => `${r.user_id || '-'}/${r.anonymous_id || '-'}/${r.type}`);

const martEvents = async () =>
  Number(
    (
      await queryRows<{ n: string }>(
        clickhouse,
        'SELECT sum(events) AS n FROM mart_traffic_hourly WHERE site_id = {site:String}',
        { site },
      )
    )[0]!.n,
  );

const martVisitors = async () =>
  (
    await queryRows<{ visitor_id: string }>(
      clickhouse,
      'SELECT DISTINCT visitor_id FROM mart_sessions WHERE site_id = {site:String} ORDER BY visitor_id',
      { site },
    )
  ).map((r) => r.visitor_id);

beforeAll(async () => {
  clickhouse = testClickHouse();
  pgPool = createPgPool(inject('databaseUrl'), () => {}, 4);
  await insertEvents(clickhouse, fixture());
  await buildMarts({
    clickhouse,
    pgPool,
    options,
    from: new Date(`${day(3)}T00:00:00Z`),
    to: new Date(),
    concurrency: 2,
  });
}, 180_000);

afterAll(async () => {
  await pgPool.end();
  await clickhouse.close();
});

describe('clickstream erase', () => {
  it('--dry-run reports and deletes nothing', { timeout: 60_000 }, async () => {
    const report = JSON.parse(await erase('--site', site, '--user', 'u1', '--dry-run', '--json')) as ErasureReport;
    expect(report).toMatchObject({ dryRun: true, events: 6, linkedAnonymousIds: ['a1'] });
    expect(await stored()).toHaveLength(9);
  });

  it('--user erases the user and the anonymous events of the linked anonymous ids, from events and marts', {
    timeout: 180_000,
  }, async () => {
    const before = await martEvents();
    expect(before).toBeGreaterThan(0);
    expect(await martVisitors()).toContain('u:u1');

    const report = JSON.parse(await erase('--site', site, '--user', 'u1', '--json')) as ErasureReport;
    expect(report).toMatchObject({
      site,
      userId: 'u1',
      linkedAnonymousIds: ['a1'],
      events: 6,
      remaining: 0,
      days: [
        { day: day(3), events: 4 },
        { day: day(2), events: 2 },
      ],
    });
    const rebuiltMarts = report.rebuilt.map((r) => r.mart);
    expect(rebuiltMarts).toEqual(expect.arrayContaining(['traffic_hourly', 'sessions', 'attribution_daily']));
    // every day whose build read an erased event: from the day before the first to the day after the last
    // (and today too when a site of another test has a zone ahead of UTC: its local day began
    // yesterday; and the day before when one is behind UTC: its day ends after UTC midnight)
    const sessionDays = report.rebuilt.find((r) => r.mart === 'sessions')!.days;
    expect(sessionDays).toEqual(expect.arrayContaining([day(4), day(3), day(2), day(1)]));
    expect(sessionDays.every((d) => d >= day(5) && d <= day(0))).toBe(true);

    expect(await stored()).toEqual(['-/a2/pageview', '-/a2/pageview', 'u2/a1/pageview']);
    // the mart counts exactly the three events left
    expect(before).toBeGreaterThan(3);
    expect(await martEvents()).toBe(3);
    expect(await martVisitors()).not.toContain('u:u1');
    expect(await martVisitors()).not.toContain('h-a1');
  });

  it('--anonymous-id erases that id alone, and is safe to repeat', { timeout: 180_000 }, async () => {
    const text = await erase('--site', site, '--anonymous-id', 'a2');
    expect(text).toContain('removed: 2 events');
    expect(text).toContain('left in clickstream.events: 0');
    expect(text).toMatch(/age out with the\s+topics' retention/);
    expect(await stored()).toEqual(['u2/a1/pageview']);
    const again = await erase('--site', site, '--anonymous-id', 'a2');
    expect(again).toContain('removed: 0 events');
  });

  it('--anonymous-id names the users it is linked to, and leaves their signed-in events', {
    timeout: 60_000,
  }, async () => {
    const text = await erase('--site', site, '--anonymous-id', 'a1', '--dry-run');
    expect(text).toContain('linked to user(s) u2');
    expect(text).toContain('would remove: 0 events');
  });
});
