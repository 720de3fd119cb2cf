/**
 * mart_events_loaded_minutely, filled by a materialized view on every insert into events,
 * against the same numbers counted from the raw rows: rows per site and minute of
 * received_at (duplicates included, as loaded), distinct event ids, load latency
 * quantiles and the newest received_at — over several inserts, so the states of one
 * minute merge across parts as they do under a running consumer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { testClickHouse, uniqueName } from './helpers.js';
import { type FixtureEvent, fixtureId, insertEvents } from './support/mart-fixtures.js';

let clickhouse: ClickHouseClient;
const site = uniqueName('loaded');
const other = uniqueName('loaded_other');
// yesterday: the table keeps 93 days (rows past their TTL may be dropped at insert)
const MINUTE = `${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)} 10:15`;

/** n events received in MINUTE (second s of it), loaded `latencyMs` later. */
function batch(siteId: string, first: number, n: number, latencyMs: number): FixtureEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const second = String(i % 60).padStart(2, '0');
    const received = new Date(`${MINUTE}:${second}.000Z`);
    return {
      event_id: fixtureId(siteId, first + i),
      site_id: siteId,
      type: 'pageview',
      ts: `${MINUTE}:${second}.000`,
      received_at: `${MINUTE}:${second}.000`,
      inserted_at: new Date(received.getTime() + latencyMs).toISOString().replace('T', ' ').replace('Z', ''),
    };
  });
}

async function rows<T>(query: string): Promise<T[]> {
  const result = await clickhouse.query({ query, query_params: { site, other }, format: 'JSONEachRow' });
  return result.json<T>();
}

beforeAll(async () => {
  clickhouse = testClickHouse();
  // three inserts into one minute: 100 events at 200 ms, 100 more at 1 s, then 20 of the
  // first ones again (a redelivery) at 5 s; and one event the next minute
  await insertEvents(clickhouse, batch(site, 0, 100, 200));
  await insertEvents(clickhouse, batch(site, 100, 100, 1000));
  await insertEvents(clickhouse, batch(site, 0, 20, 5000));
  await insertEvents(clickhouse, [
    {
      event_id: fixtureId(site, 500),
      site_id: site,
      type: 'click',
      ts: `${MINUTE.slice(0, -2)}16:30.000`,
      received_at: `${MINUTE.slice(0, -2)}16:30.500`,
      inserted_at: `${MINUTE.slice(0, -2)}16:31.000`,
    },
    ...batch(other, 0, 7, 100),
  ]);
});

afterAll(async () => {
  await clickhouse.close();
});

describe('mart_events_loaded_minutely', () => {
  it('equals the raw rows, per site and minute of received_at', async () => {
    const mart = await rows<Record<string, unknown>>(`
      SELECT site_id, toString(minute) AS minute, toUInt64(sum(events)) AS events,
             uniqCombined64Merge(15)(distinct_events) AS distinct_events, toString(max(last_received)) AS last_received
      FROM mart_events_loaded_minutely WHERE site_id IN ({site:String}, {other:String})
      GROUP BY site_id, minute ORDER BY site_id, minute`);
    const raw = await rows<Record<string, unknown>>(`
      SELECT site_id, toString(toStartOfMinute(received_at)) AS minute, toUInt64(count()) AS events,
             uniqExact(event_id) AS distinct_events, toString(max(received_at)) AS last_received
      FROM events WHERE site_id IN ({site:String}, {other:String})
      GROUP BY site_id, minute ORDER BY site_id, minute`);
    expect(mart).toEqual(raw);
    // the fixture as written: 220 rows and 200 ids in the first minute, one the next
    expect(mart.filter((r) => r.site_id === site).map((r) => [r.events, r.distinct_events])).toEqual([
      [220, 200],
      [1, 1],
    ]);
  });

  it('merges load latency across inserts into quantiles of all rows of the range', async () => {
    const [q] = await rows<{ p50: number; p95: number }>(`
      SELECT q[1] AS p50, q[2] AS p95
      FROM (SELECT quantilesTDigestMerge(0.5, 0.95)(load_ms) AS q
            FROM mart_events_loaded_minutely WHERE site_id = {site:String})`);
    // 101 rows at <= 500 ms, 100 at 1 s, 20 at 5 s: the median is 1 s, the p95 is 5 s
    expect(q!.p50).toBeGreaterThanOrEqual(500);
    expect(q!.p50).toBeLessThanOrEqual(1000);
    expect(q!.p95).toBeGreaterThan(4000);
    expect(q!.p95).toBeLessThanOrEqual(5000);
  });
});
