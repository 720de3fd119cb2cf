/**
 * Every provisioned dashboard, as Grafana would run it: the JSON files load and agree with
 * their specs, point at the provisioned datasources, every variable resolves, and every
 * ClickHouse panel's SQL — variables and plugin macros expanded (dashboards/grafana-macros.ts)
 * — runs against ClickHouse seeded with the marts fixture (test/support/mart-fixtures.ts), built marts and
 * live events, returning rows with the columns its panel type needs. The queries go through
 * a connection made exactly from the datasource `clickstream grafana-provisioning` writes for
 * this deployment (host, port, protocol, user, password, database): as the read-only reader.
 * Prometheus panels are checked statically: their metrics must exist in the code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { dashboardFileText, JSON_DIR } from '../dashboards/generate.js';
import { referencedVariables, type VariableValues } from '../dashboards/grafana-macros.js';
import {
  clickHousePanels,
  dashboardFiles,
  loadDashboards,
  renderPanel,
  renderVariableQuery,
  resolveVariables,
  type Dashboard,
} from '../dashboards/panel-queries.js';
import { CLICKHOUSE, PROMETHEUS } from '../dashboards/src/kit.js';
import { buildMarts } from '../etl/build-marts.js';
import { parseFunnels } from '../etl/funnels.js';
import { FIXTURE_FUNNELS, fixtureEvents, fixtureId, insertEvents, type FixtureEvent } from './support/mart-fixtures.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { createPgPool } from '../lib/postgres.js';
import { provisionedClickHouseClient, readDatasources, runPanelSql } from './grafana-datasource.js';
import { testClickHouse, testConfig, uniqueName } from './helpers.js';
import { checkColumns } from './support/panel-checks.js';
import { TEST_BUILD_OPTIONS } from './support/build-options.js';

const DAY = '2024-05-10';
const FIXTURE_RANGE = { from: new Date('2024-05-09T00:00:00Z'), to: new Date('2024-05-12T00:00:00Z') };
const options = { ...TEST_BUILD_OPTIONS, funnels: parseFunnels(FIXTURE_FUNNELS) };
const site = uniqueName('dash_a');
const other = uniqueName('dash_b');
const files = dashboardFiles();
const dashboards = loadDashboards();
const timings: Array<{ dashboard: string; panel: string; ms: number; rows: number }> = [];
let clickhouse: ClickHouseClient;
/** Connected as the generated Grafana datasource is. */
let grafana: ClickHouseClient;
const provisioningDir = path.resolve('.test-data', uniqueName('grafana-provisioning'));

/** Live traffic for the "last 15 minutes" and pipeline panels: ts = received_at = a few minutes ago. */
function liveEvents(): FixtureEvent[] {
  const at = (minutesAgo: number) =>
    new Date(Date.now() - minutesAgo * 60_000).toISOString().replace('T', ' ').replace('Z', '');
  const base = {
    site_id: site,
    session_id: 'live-1',
    visitor_id: 'live-v1',
    path: '/home',
    device_type: 'desktop',
    browser: 'Chrome',
    os: 'Linux',
  };
  return [1, 2, 3, 5, 8].map((m, i) => ({
    ...base,
    event_id: fixtureId(site, 1000 + i),
    type: i % 2 ? 'click' : 'pageview',
    ts: at(m),
    received_at: at(m),
  }));
}

/** Range a dashboard is tested over: the fixture's days, or "now" for the operational one. */
function rangeOf(dashboard: Dashboard): { from: Date; to: Date } {
  if (dashboard.uid !== 'clickstream-pipeline') return FIXTURE_RANGE;
  const to = new Date();
  return { from: new Date(to.getTime() - 6 * 3_600_000), to };
}

/** The Docker stack's provisioned datasource uids and types. */
function provisionedDatasources(): Map<string, string> {
  return new Map(readDatasources('dashboards/provisioning/datasources/datasources.yaml').map((d) => [d.uid, d.type]));
}

const run = (sql: string) => runPanelSql(grafana, sql);

beforeAll(async () => {
  clickhouse = testClickHouse();
  grafana = provisionedClickHouseClient(testConfig(), provisioningDir);
  await insertEvents(clickhouse, [...fixtureEvents(DAY, site, other), ...liveEvents()]);
  const pgPool = createPgPool(inject('databaseUrl'));
  try {
    await buildMarts({ clickhouse, pgPool, options, ...FIXTURE_RANGE, concurrency: 3 });
  } finally {
    await pgPool.end();
  }
});

afterAll(async () => {
  await clickhouse?.close();
  await grafana?.close();
  fs.rmSync(provisioningDir, { recursive: true, force: true });
  if (timings.length) {
    const lines = timings.map(
      (t) => `  ${t.ms.toFixed(1).padStart(7)} ms  ${String(t.rows).padStart(4)} rows  ${t.dashboard} / ${t.panel}`,
    );
    process.stdout.write(`panel query times (seeded fixture):\n${lines.join('\n')}\n`);
  }
});

describe('dashboard files', () => {
  const datasources = provisionedDatasources();

  it('provisions the ClickHouse and Prometheus datasources the panels name', () => {
    expect(datasources.get(CLICKHOUSE.uid)).toBe(CLICKHOUSE.type);
    expect(datasources.get(PROMETHEUS.uid)).toBe(PROMETHEUS.type);
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('%s is what dashboards/generate.ts writes', (file) => {
    expect(fs.readFileSync(path.join(JSON_DIR, file), 'utf8')).toBe(dashboardFileText(file.replace(/\.json$/, '')));
  });

  it('uids are unique', () => {
    const uids = dashboards.map(([, d]) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it.each(dashboards)('%s: structure', (_file, d) => {
    expect(d.title).toBeTruthy();
    expect(d.time.from).toMatch(/^now-/);
    const names = d.templating.list.map((v) => v.name);
    expect(names).toContain('site');
    for (const v of d.templating.list) {
      expect(datasources.has(v.datasource?.uid ?? ''), `variable ${v.name} datasource`).toBe(true);
      expect(v.query?.rawSql, `variable ${v.name} query`).toBeTruthy();
    }
    const ids = d.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of d.panels) {
      expect(p.gridPos.x + p.gridPos.w, `${p.title} fits the grid`).toBeLessThanOrEqual(24);
      expect(p.targets?.length, `${p.title} has a query`).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        const uid = t.datasource?.uid ?? '';
        expect(datasources.get(uid), `${p.title}: datasource ${uid} is provisioned`).toBe(t.datasource?.type);
        expect(uid, `${p.title}: target and panel datasource agree`).toBe(p.datasource?.uid);
        if (uid === CLICKHOUSE.uid) expect(t.rawSql?.trim(), `${p.title} rawSql`).toBeTruthy();
        else expect(t.expr?.trim(), `${p.title} expr`).toBeTruthy();
      }
      // every variable a panel or a later variable uses is defined
      const used = [p.title, ...(p.targets ?? []).map((t) => t.rawSql ?? '')].flatMap(referencedVariables);
      for (const name of used) expect(names, `${p.title} uses $${name}`).toContain(name);
    }
  });

  it('Prometheus panels use metrics the api and consumer export', () => {
    const exported = ['api/metrics.ts', 'consumer/metrics.ts'].map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const exprs = dashboards.flatMap(([, d]) => d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')));
    const metrics = exprs.flatMap((e) => [...e.matchAll(/\b(clickstream_[a-z_]+)\b/g)].map((m) => m[1]!));
    expect(metrics.length).toBeGreaterThan(0);
    for (const metric of metrics) expect(exported, metric).toContain(`'${metric}'`);
  });
});

describe('variables do not wait for the ETL', () => {
  it.each(dashboards)(
    '%s: a site whose events are loaded but no mart built yet is in the site list',
    async (_file, d) => {
      const fresh = uniqueName('dash_fresh');
      const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
      await insertEvents(clickhouse, [
        { ...liveEvents()[0]!, site_id: fresh, event_id: fixtureId(fresh, 1), ts: now, received_at: now },
      ]);
      const range = { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) };
      const variable = d.templating.list.find((v) => v.name === 'site')!;
      const { data, meta } = await run(renderVariableQuery(variable, {}, range));
      expect(data.map((row) => String(row[meta[0]!.name]))).toContain(fresh);
    },
  );
});

describe.each(dashboards)('%s: queries on seeded ClickHouse', (_file, d) => {
  const values: Record<string, string> = {};

  it('variables resolve, in order, each to a non-empty option list', async () => {
    const options = async (sql: string) => {
      const { data, meta } = await run(sql);
      return data.map((row) => String(row[meta[0]!.name]));
    };
    const resolved = await resolveVariables(d, rangeOf(d), options, (name, optionsList) => {
      expect(optionsList.length, `variable ${name}`).toBeGreaterThan(0);
      // site: the seeded one (the shared test server holds other tests' sites); others: Grafana's default, the first
      if (name === 'site') expect(optionsList).toContain(site);
      return name === 'site' ? site : optionsList[0]!;
    });
    Object.assign(values, resolved);
  });

  const sqlPanels = clickHousePanels(d);
  it.each(sqlPanels.map((p) => [p.title, p] as const))('%s', async (_title, panel) => {
    // "now" (for relative-time panels) is when the query is rendered, just before it runs, as in Grafana
    for (const { sql } of renderPanel(d, panel, values as VariableValues, rangeOf(d))) {
      const started = performance.now();
      const { meta, data } = await run(sql);
      timings.push({
        dashboard: d.uid.replace('clickstream-', ''),
        panel: panel.title,
        ms: performance.now() - started,
        rows: data.length,
      });
      expect(data.length, `${panel.title} returns rows\n${sql}`).toBeGreaterThan(0);
      checkColumns(panel, meta, data);
    }
  });
});
