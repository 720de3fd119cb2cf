/**
 * mart_visitors_hourly (built with the sessions, from the rows the sessions build staged)
 * and the Overview "Visitors" panel that merges its states: for ranges on and off hour
 * boundaries, shorter than an hour and over two days, the panel's number equals an exact
 * distinct count of visitor_id over the sessions of mart_sessions started in the range;
 * a rebuild replaces the day's states instead of adding to them.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDashboards, renderPanel } from '../dashboards/panel-queries.js';
import { buildMarts } from '../etl/build-marts.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { createPgPool, type Pool } from '../lib/postgres.js';
import { testClickHouse, uniqueName } from './helpers.js';
import { type FixtureEvent, fixtureId, insertEvents } from './support/mart-fixtures.js';
import { TEST_BUILD_OPTIONS } from './support/build-options.js';

const D = '2024-08-05';
const options = TEST_BUILD_OPTIONS;

let clickhouse: ClickHouseClient;
let pgPool: Pool;
const site = uniqueName('visitors');

/** 60 sessions, one every 47 minutes from D 00:17, by 9 visitors coming back. */
function events(): FixtureEvent[] {
  const start = Date.parse(`${D}T00:17:00Z`);
  return Array.from({ length: 60 }, (_, i) => {
    const ts = (ms: number) => new Date(start + i * 47 * 60_000 + ms).toISOString().replace('T', ' ').replace('Z', '');
    const common = { site_id: site, session_id: `s${i}`, visitor_id: `v${(i * 7) % 9}` };
    return [
      { ...common, event_id: fixtureId(site, 2 * i), type: 'pageview', ts: ts(0) },
      { ...common, event_id: fixtureId(site, 2 * i + 1), type: 'click', ts: ts(20_000) },
    ];
  }).flat();
}

async function build(): Promise<void> {
  await buildMarts({
    clickhouse,
    pgPool,
    options,
    marts: ['sessions'],
    from: new Date(`${D}T00:00:00Z`),
    to: new Date(Date.parse(`${D}T00:00:00Z`) + 2 * 86_400_000),
  });
}

async function number(query: string): Promise<number> {
  const result = await clickhouse.query({ query, query_params: { site }, format: 'JSONCompactEachRow' });
  const [row] = await result.json<[number]>();
  return Number(row?.[0]);
}

const overview = loadDashboards().find(([file]) => file === 'overview.json')![1];
const visitorsPanel = overview.panels.find((p) => p.title === 'Visitors')!;

async function panelVisitors(from: string, to: string): Promise<number> {
  const [q] = renderPanel(overview, visitorsPanel, { site }, { from: new Date(from), to: new Date(to) });
  return number(q!.sql);
}

/** The count the panel stands for, straight from the sessions ($__timeFilter's bounds: whole seconds). */
function exactVisitors(from: string, to: string): Promise<number> {
  const s = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  return number(
    `SELECT uniqExact(visitor_id) FROM mart_sessions WHERE site_id = {site:String}
     AND started_at >= toDateTime(${s(from)}) AND started_at <= toDateTime(${s(to)})`,
  );
}

beforeAll(async () => {
  clickhouse = testClickHouse();
  pgPool = createPgPool(inject('databaseUrl'), () => {}, 4);
  await insertEvents(clickhouse, events());
  await build();
});

afterAll(async () => {
  await pgPool?.end();
  await clickhouse?.close();
});

describe('mart_visitors_hourly and the Overview "Visitors" panel', () => {
  it('has one state per site and hour a session started in', async () => {
    expect(await number('SELECT count() FROM mart_sessions WHERE site_id = {site:String}')).toBe(60);
    const hours = await number(
      'SELECT uniqExact(toStartOfHour(started_at)) FROM mart_sessions WHERE site_id = {site:String}',
    );
    expect(await number('SELECT count() FROM mart_visitors_hourly FINAL WHERE site_id = {site:String}')).toBe(hours);
  });

  it.each([
    ['both days, whole', `${D}T00:00:00Z`, '2024-08-06T23:59:59Z'],
    ['off the hour at both ends', `${D}T03:25:10Z`, '2024-08-06T07:40:00Z'],
    ['on hour boundaries', `${D}T10:00:00Z`, `${D}T14:00:00Z`],
    ['inside one hour', `${D}T05:10:00Z`, `${D}T05:59:30Z`],
    ['across an hour boundary, under an hour', `${D}T06:40:00Z`, `${D}T07:20:00Z`],
    ['across midnight', `${D}T22:30:00Z`, '2024-08-06T02:10:00Z'],
  ])('equals the exact count over the sessions: %s', async (_name, from, to) => {
    const exact = await exactVisitors(from, to);
    expect(await panelVisitors(from, to)).toBe(exact);
  });

  it('counts a returning visitor once over the range', async () => {
    // 9 visitors over 60 sessions
    expect(await panelVisitors(`${D}T00:00:00Z`, '2024-08-06T23:59:59Z')).toBe(9);
  });

  it('a rebuild replaces the states of the day, not adds to them', async () => {
    const before = await number('SELECT count() FROM mart_visitors_hourly WHERE site_id = {site:String}');
    await build();
    expect(await number('SELECT count() FROM mart_visitors_hourly WHERE site_id = {site:String}')).toBe(before);
    expect(await panelVisitors(`${D}T00:00:00Z`, '2024-08-06T23:59:59Z')).toBe(9);
  });
});
