/**
 * The query side at scale: seed N historical events, time a build of every mart over
 * those days, then run every ClickHouse panel query of the provisioned dashboards
 * (dashboards/json/, rendered as Grafana would by dashboards/panel-queries.ts) repeatedly
 * for its latency p50/p95. Variables: site = the seeded site; the others (heatmap page,
 * funnel) = Grafana's default, the first option their own query returns on the seeded data.
 * Range: the seeded days, on every dashboard; panels with a relative time (live, last 15
 * minutes) use their own, ending when the queries are rendered.
 */
import type pg from 'pg';
import { buildMarts } from '../etl/build-marts.js';
import type { BuildOptions } from '../etl/build-options.js';
import type { Funnel } from '../etl/funnels.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { loadDashboards, panelQueries, resolveVariables, type PanelQuery } from '../dashboards/panel-queries.js';
import { percentilesOf } from './percentiles.js';
import { seedEvents } from './seed-events.js';

export const SEED_SITE = 'bench-seed';

/**
 * A funnel over the seeded shapes (the most visited page, a click, a checkout), so that
 * mart_funnel_daily and the Engagement dashboard's funnel variable and panel have rows.
 */
export const SEED_FUNNELS: readonly Funnel[] = [
  {
    name: 'bench: top page to checkout',
    window_minutes: 60,
    steps: [
      { name: 'top page', type: 'pageview', path: '/' },
      { name: 'click', type: 'click' },
      { name: 'checkout', type: 'checkout' },
    ],
  },
];

export interface PanelTiming {
  dashboard: string;
  panel: string;
  /** Rows the panel's query returned (last run). */
  rows: number;
  p50: number;
  p95: number;
}

export interface QueryBenchResult {
  seedEvents: number;
  seedSeconds: number;
  days: number;
  martBuildSeconds: number;
  /** The variable values the panels were rendered with, per dashboard. */
  variables: Record<string, Record<string, string>>;
  runs: number;
  /** Per ClickHouse panel of every dashboard: latency in ms over `runs` sequential runs. */
  panels: PanelTiming[];
  /** The worst panel's p95. */
  p95Ms: number;
}

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
  await buildMarts({
    clickhouse,
    pgPool: deps.pgPool,
    options: deps.options,
    from: seed.from,
    to: seed.to,
    concurrency: 2,
    trigger: 'manual',
  });
  const martBuildSeconds = (performance.now() - started) / 1000;

  const range = { from: seed.from, to: seed.to };
  const variables: Record<string, Record<string, string>> = {};
  const queries: PanelQuery[] = [];
  for (const [file, dashboard] of loadDashboards()) {
    const values = await resolveVariables(
      dashboard,
      range,
      (sql) => firstColumn(clickhouse, sql),
      (name, options) => {
        if (name === 'site') {
          if (!options.includes(SEED_SITE))
            throw new Error(`${file}: variable site does not offer ${SEED_SITE} (options: ${options.join(', ')})`);
          return SEED_SITE;
        }
        const first = options[0];
        if (first === undefined) throw new Error(`${file}: variable ${name} has no option on the seeded data`);
        return first;
      },
    );
    variables[dashboard.uid.replace(/^clickstream-/, '')] = values;
    queries.push(...panelQueries(dashboard, values, range));
  }
  deps.log(`queries: marts built in ${martBuildSeconds.toFixed(1)} s; timing ${queries.length} panels x ${deps.runs}`);

  const panels: PanelTiming[] = [];
  for (const q of queries) {
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < deps.runs; i++) {
      const t0 = performance.now();
      const result = await clickhouse.query({ query: q.sql, format: 'JSONCompactEachRow' });
      const text = await result.text();
      times.push(performance.now() - t0);
      rows = text === '' ? 0 : text.trimEnd().split('\n').length;
    }
    const p = percentilesOf(times);
    panels.push({ dashboard: q.dashboard, panel: q.panel, rows, p50: p.p50, p95: p.p95 });
  }
  return {
    seedEvents: seed.rows,
    seedSeconds: seed.seconds,
    days: deps.days,
    martBuildSeconds,
    variables,
    runs: deps.runs,
    panels,
    p95Ms: Math.max(...panels.map((p) => p.p95)),
  };
}

/** The first column of a query's rows, as strings (a variable's option list). */
async function firstColumn(clickhouse: ClickHouseClient, sql: string): Promise<string[]> {
  const result = await clickhouse.query({ query: sql, format: 'JSONCompactEachRow' });
  const rows = await result.json<unknown[]>();
  return rows.map((row) => String(row[0]));
}
