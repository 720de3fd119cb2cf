/**
 * The bench's seed (rows made inside ClickHouse) has the shape of real traffic, so the
 * marts and panels it times do realistic work: sessions of several events, visitors
 * coming back in several sessions, popular pages and elements far ahead of the rest.
 * A seed that made one session (or one visitor) per event fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEvents } from '../bench/seed-events.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { testClickHouse, uniqueName } from './helpers.js';

const ROWS = 100_000;
let clickhouse: ClickHouseClient;
const site = uniqueName('seed');

async function row<T>(query: string): Promise<T> {
  const result = await clickhouse.query({ query, query_params: { site }, format: 'JSONEachRow' });
  const [first] = await result.json<T>();
  return first as T;
}

async function shares(query: string): Promise<number[]> {
  const result = await clickhouse.query({ query, query_params: { site }, format: 'JSONCompactEachRow' });
  const counts = (await result.json<[string, string]>()).map(([, c]) => Number(c));
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => c / total);
}

beforeAll(async () => {
  clickhouse = testClickHouse();
  await seedEvents(clickhouse, { siteId: site, rows: ROWS, days: 7 });
});

afterAll(async () => {
  await clickhouse.command({ query: 'DELETE FROM events WHERE site_id = {site:String}', query_params: { site } });
  await clickhouse.close();
});

describe('bench seed', () => {
  it('makes exactly the rows asked for, in the 7 days before today, 1 % of them twice', async () => {
    const r = await row<{ rows: string; ids: string; from: string; to: string }>(
      `SELECT count() AS rows, uniqExact(event_id) AS ids, toString(min(toDate(ts))) AS from, toString(max(toDate(ts))) AS to
       FROM events WHERE site_id = {site:String}`,
    );
    expect(Number(r.rows)).toBe(ROWS);
    expect(1 - Number(r.ids) / ROWS).toBeGreaterThan(0.005);
    expect(1 - Number(r.ids) / ROWS).toBeLessThan(0.02);
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.parse(today) - 7 * 86_400_000).toISOString().slice(0, 10);
    expect(r.from).toBe(weekAgo);
    expect(r.to < today).toBe(true);
  });

  it('makes sessions of several pages and many events', async () => {
    const r = await row<{ events: number; pageviews: number; multiPage: number }>(
      `SELECT avg(n) AS events, avg(pv) AS pageviews, avg(pv >= 2) AS multiPage
       FROM (SELECT count() AS n, countIf(type = 'pageview') AS pv
             FROM events WHERE site_id = {site:String} AND session_id != '' GROUP BY session_id)`,
    );
    expect(r.events).toBeGreaterThan(8);
    expect(r.pageviews).toBeGreaterThan(2);
    expect(r.pageviews).toBeLessThan(3.5);
    expect(r.multiPage).toBeGreaterThan(0.3);
  });

  it('brings visitors back in several sessions, on several days', async () => {
    const r = await row<{ sessions: number; returning: number; days: number }>(
      `SELECT avg(n) AS sessions, avg(n >= 2) AS returning, avg(d) AS days
       FROM (SELECT uniqExact(session_id) AS n, uniqExact(toDate(ts)) AS d
             FROM events WHERE site_id = {site:String} AND anonymous_id != '' GROUP BY anonymous_id)`,
    );
    expect(r.sessions).toBeGreaterThan(1.7);
    expect(r.sessions).toBeLessThan(2.8);
    expect(r.returning).toBeGreaterThan(0.35);
    expect(r.days).toBeGreaterThan(1.4);
  });

  // Rank r drawn as floor((N+1)^u), u uniform: P(r) = ln(1 + 1/r) / ln(N + 1), which falls
  // as 1/r (Zipf with s = 1) past the first ranks.
  const zipf = (r: number, n: number) => Math.log(1 + 1 / r) / Math.log(n + 1);

  it('ranks pages by a Zipf law', async () => {
    // /checkout is also where checkout sessions end: leave it out of the ranking
    const s = await shares(
      `SELECT path, count() AS c FROM events
       WHERE site_id = {site:String} AND type = 'pageview' AND path != '/checkout'
       GROUP BY path ORDER BY c DESC`,
    );
    expect(s.length).toBeGreaterThan(150);
    for (const [rank, tolerance] of [
      [1, 0.15],
      [2, 0.15],
      [5, 0.25],
      [10, 0.3],
    ] as const) {
      expect(Math.abs(s[rank - 1]! / s[0]! / (zipf(rank, 200) / zipf(1, 200)) - 1)).toBeLessThan(tolerance);
    }
    // the top tenth of pages gets about half the views
    const top = s.slice(0, Math.round(s.length / 10)).reduce((a, b) => a + b, 0);
    expect(top).toBeGreaterThan(0.4);
    expect(top).toBeLessThan(0.7);
  });

  it('ranks impressed elements by a Zipf law, and clicks a tenth of them', async () => {
    const s = await shares(
      `SELECT element_id, count() AS c FROM events
       WHERE site_id = {site:String} AND type = 'impression' GROUP BY element_id ORDER BY c DESC`,
    );
    expect(s.length).toBeGreaterThan(5);
    expect(Math.abs(s[1]! / s[0]! / (zipf(2, s.length) / zipf(1, s.length)) - 1)).toBeLessThan(0.15);
    const r = await row<{ ctr: number }>(
      `SELECT countIf(type = 'click') / countIf(type = 'impression') AS ctr
       FROM events WHERE site_id = {site:String} AND NOT is_bot`,
    );
    expect(r.ctr).toBeGreaterThan(0.07);
    expect(r.ctr).toBeLessThan(0.13);
  });
});
