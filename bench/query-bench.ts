/**
 * The query side at scale: seed N historical events, time a build of every mart over
 * those days, then run each dashboard panel query repeatedly for its latency p50/p95.
 */
import type pg from 'pg';
import { buildMarts } from '../etl/build-marts.js';
import type { BuildOptions } from '../etl/build-options.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { PANEL_QUERIES } from './dashboard-queries.js';
import { percentilesOf } from './percentiles.js';
import { seedEvents } from './seed-events.js';

export const SEED_SITE = 'bench-seed';

export interface QueryBenchResult {
  seedEvents: number;
  seedSeconds: number;
  days: number;
  martBuildSeconds: number;
  /** Per panel: latency in ms over `runs` sequential runs. */
  panels: Array<{ name: string; p50: number; p95: number }>;
  /** The worst panel's p95. */
  p95Ms: number;
}

const toParam = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

export async function runQueryBench(deps: {
  clickhouse: ClickHouseClient;
  pgPool: pg.Pool;
  options: BuildOptions;
  rows: number;
  days: number;
  runs: number;
  log: (m: string) => void;
}): Promise<QueryBenchResult> {
  const { clickhouse } = deps;
  deps.log(`queries: seeding ${deps.rows.toLocaleString('en')} events over ${deps.days} days`);
  const seed = await seedEvents(clickhouse, { siteId: SEED_SITE, rows: deps.rows, days: deps.days });
  deps.log(`queries: seeded in ${seed.seconds.toFixed(1)} s; building marts`);
  const started = performance.now();
  await buildMarts({ clickhouse, pgPool: deps.pgPool, options: deps.options, from: seed.from, to: seed.to, concurrency: 2, trigger: 'manual' });
  const martBuildSeconds = (performance.now() - started) / 1000;
  deps.log(`queries: marts built in ${martBuildSeconds.toFixed(1)} s; timing ${PANEL_QUERIES.length} panels x ${deps.runs}`);
  const params = { site: SEED_SITE, from: toParam(seed.from), to: toParam(seed.to) };
  const panels = [];
  for (const panel of PANEL_QUERIES) {
    const times: number[] = [];
    for (let i = 0; i < deps.runs; i++) {
      const t0 = performance.now();
      const result = await clickhouse.query({ query: panel.query, query_params: params, format: 'JSONCompactEachRow' });
      await result.text();
      times.push(performance.now() - t0);
    }
    const p = percentilesOf(times);
    panels.push({ name: panel.name, p50: p.p50, p95: p.p95 });
  }
  return {
    seedEvents: seed.rows, seedSeconds: seed.seconds, days: deps.days, martBuildSeconds, panels,
    p95Ms: Math.max(...panels.map((p) => p.p95)),
  };
}
