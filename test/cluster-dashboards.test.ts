/**
 * The dashboards on the cluster: every ClickHouse panel's SQL, as Grafana renders it, runs
 * through the datasource `clickstream grafana-provisioning` writes for a cluster deployment
 * (the read-only reader on the first node) against the Distributed tables and the speed
 * layer's views, on the marts fixture built by the cluster, and returns what its panel
 * needs. The SQL is the same text as on one server: nothing in the dashboards knows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  clickHousePanels,
  type Dashboard,
  loadDashboards,
  renderPanel,
  resolveVariables,
} from '../dashboards/panel-queries.js';
import type { VariableValues } from '../dashboards/grafana-macros.js';
import { buildMarts } from '../etl/build-marts.js';
import { parseFunnels } from '../etl/funnels.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { createPgPool } from '../lib/postgres.js';
import { clusterClickHouse, clusterConfig, clusterShards } from './cluster-helpers.js';
import { provisionedClickHouseClient, runPanelSql } from './grafana-datasource.js';
import { uniqueName } from './helpers.js';
import { FIXTURE_FUNNELS, fixtureEvents, fixtureId, insertEvents } from './support/mart-fixtures.js';
import { checkColumns } from './support/panel-checks.js';
import { TEST_BUILD_OPTIONS } from './support/build-options.js';

const DAY = '2024-05-10';
const FIXTURE_RANGE = { from: new Date('2024-05-09T00:00:00Z'), to: new Date('2024-05-12T00:00:00Z') };
const site = uniqueName('cdash_a');
const other = uniqueName('cdash_b');
const dashboards = loadDashboards();
const provisioningDir = path.resolve('.test-data', uniqueName('cluster-grafana'));
let clickhouse: ClickHouseClient;
let grafana: ClickHouseClient;

const rangeOf = (d: Dashboard) =>
  d.uid === 'clickstream-pipeline' ? { from: new Date(Date.now() - 6 * 3_600_000), to: new Date() } : FIXTURE_RANGE;

const run = (sql: string) => runPanelSql(grafana, sql);

beforeAll(async () => {
  clickhouse = clusterClickHouse();
  grafana = provisionedClickHouseClient(clusterConfig(), provisioningDir);
  const at = (minutesAgo: number) =>
    new Date(Date.now() - minutesAgo * 60_000).toISOString().replace('T', ' ').replace('Z', '');
  // live traffic for the "last 15 minutes" and pipeline panels
  const live = [1, 2, 3, 5, 8].map((m, i) => ({
    site_id: site,
    event_id: fixtureId(site, 1000 + i),
    type: i % 2 ? 'click' : 'pageview',
    ts: at(m),
    received_at: at(m),
    session_id: 'live-1',
    visitor_id: 'live-v1',
    path: '/home',
    device_type: 'desktop',
    browser: 'Chrome',
    os: 'Linux',
  }));
  await insertEvents(clickhouse, [...fixtureEvents(DAY, site, other), ...live]);
  const pgPool = createPgPool(inject('databaseUrl'));
  const shards = clusterShards(clickhouse);
  try {
    const options = { ...TEST_BUILD_OPTIONS, funnels: parseFunnels(FIXTURE_FUNNELS) };
    await buildMarts({ clickhouse, shards, pgPool, options, ...FIXTURE_RANGE, concurrency: 2 });
  } finally {
    await shards.close();
    await pgPool.end();
  }
}, 180_000);

afterAll(async () => {
  await clickhouse?.close();
  await grafana?.close();
  fs.rmSync(provisioningDir, { recursive: true, force: true });
});

describe.each(dashboards)('%s on the cluster', (_file, d) => {
  const values: Record<string, string> = {};

  it('variables resolve through the Distributed tables', async () => {
    const options = async (sql: string) => {
      const { data, meta } = await run(sql);
      return data.map((row) => String(row[meta[0]!.name]));
    };
    Object.assign(
      values,
      await resolveVariables(d, rangeOf(d), options, (name, list) => {
        expect(list.length, `variable ${name}`).toBeGreaterThan(0);
        if (name === 'site') expect(list).toContain(site);
        return name === 'site' ? site : list[0]!;
      }),
    );
  });

  it.each(clickHousePanels(d).map((p) => [p.title, p] as const))('%s', async (_title, panel) => {
    for (const { sql } of renderPanel(d, panel, values as VariableValues, rangeOf(d))) {
      const { meta, data } = await run(sql);
      expect(data.length, `${panel.title} returns rows\n${sql}`).toBeGreaterThan(0);
      checkColumns(panel, meta, data);
    }
  });
});
