/**
 * The exact comparison at the end of a fault run: the event ids the API accepted (answered
 * 202 for) against what ClickHouse holds for the load's sites, id by id, then as the
 * readers see it (`FINAL`, and the marts built by the ETL's own functions).
 */
import { buildMarts } from '../etl/build-marts.js';
import { speedCutoff } from '../etl/build-partition.js';
import type { BuildOptions } from '../etl/build-options.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import type { Pool } from '../lib/postgres.js';
import { clickHouseTime } from '../lib/time.js';

export interface Comparison {
  accepted: number;
  /** Distinct event ids stored. */
  distinct: number;
  /** Rows of `events FINAL` (duplicates merged, as queries see them). */
  final: number;
  /** Events counted by mart_sessions (every event belongs to one session; no speed layer). */
  martSessionsEvents: number;
  /**
   * mart_traffic_hourly's exact layer counts hours before the build's cutoff (the start of
   * the hour it ran in); the events stored for those hours, each once, by the mart's own rule.
   */
  martTrafficExactEvents: number;
  storedBeforeCutoff: number;
  /** What the public mart_traffic_hourly shows: exact hours plus the speed layer's (which counts retried copies again). */
  martTrafficViewEvents: number;
  /** Accepted, not stored. */
  lost: number;
  /** Stored, never sent by the run (or answered 4xx). */
  extra: number;
  /** Stored although never accepted: answered "may or may not be stored" (a timeout), then given up. */
  inDoubtStored: number;
}

async function one(
  clickhouse: ClickHouseClient,
  query: string,
  sites: string[],
  params: Record<string, unknown> = {},
): Promise<number> {
  const result = await clickhouse.query({ query, query_params: { sites, ...params }, format: 'JSONEachRow' });
  const [row] = await result.json<{ n: string | number }>();
  return Number(row?.n ?? 0);
}

/** Stored event ids of the sites. */
export async function storedIds(clickhouse: ClickHouseClient, sites: string[]): Promise<Set<string>> {
  const result = await clickhouse.query({
    query: 'SELECT DISTINCT toString(event_id) AS id FROM events WHERE site_id IN {sites:Array(String)}',
    query_params: { sites },
    format: 'JSONCompactEachRow',
  });
  return new Set((await result.json<[string]>()).map(([id]) => id));
}

/** Builds the two counting marts over the run's days, then compares everything. */
export async function compare(o: {
  clickhouse: ClickHouseClient;
  pgPool: Pool;
  options: BuildOptions;
  sites: string[];
  accepted: Set<string>;
  givenUp: Set<string>;
  from: Date;
  to: Date;
}): Promise<Comparison> {
  const { clickhouse, sites } = o;
  const stored = await storedIds(clickhouse, sites);
  let lost = 0;
  for (const id of o.accepted) if (!stored.has(id)) lost++;
  let extra = 0;
  let inDoubtStored = 0;
  for (const id of stored) {
    if (o.accepted.has(id)) continue;
    if (o.givenUp.has(id)) inDoubtStored++;
    else extra++;
  }
  const cutoff = clickHouseTime(speedCutoff(new Date()));
  await buildMarts({
    clickhouse,
    pgPool: o.pgPool,
    options: o.options,
    from: o.from,
    to: o.to,
    marts: ['traffic_hourly', 'sessions'],
    concurrency: 2,
  });
  return {
    accepted: o.accepted.size,
    distinct: stored.size,
    final: await one(clickhouse, 'SELECT count() AS n FROM events FINAL WHERE site_id IN {sites:Array(String)}', sites),
    martSessionsEvents: await one(
      clickhouse,
      'SELECT sum(events) AS n FROM mart_sessions WHERE site_id IN {sites:Array(String)}',
      sites,
    ),
    martTrafficExactEvents: await one(
      clickhouse,
      `SELECT sum(events) AS n FROM mart_traffic_hourly_exact
       WHERE site_id IN {sites:Array(String)} AND hour < {cutoff:DateTime64(3, 'UTC')}`,
      sites,
      { cutoff },
    ),
    // The copy a build counts is the latest inserted one (etl/sql/fragments/deduped_events.sql).
    storedBeforeCutoff: await one(
      clickhouse,
      `SELECT count() AS n FROM (
         SELECT argMax(ts, (inserted_at, ts)) AS t FROM events
         WHERE site_id IN {sites:Array(String)} GROUP BY site_id, event_id)
       WHERE t < {cutoff:DateTime64(3, 'UTC')}`,
      sites,
      { cutoff },
    ),
    martTrafficViewEvents: await one(
      clickhouse,
      'SELECT sum(events) AS n FROM mart_traffic_hourly WHERE site_id IN {sites:Array(String)}',
      sites,
    ),
    lost,
    extra,
    inDoubtStored,
  };
}
