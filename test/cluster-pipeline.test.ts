/**
 * Cluster mode end to end (the test cluster: two embedded shards, or an external cluster in
 * an opt-in run): the schema as the runner rendered it, then POST /events → Kafka →
 * consumer → the Distributed `events` → both shards, a client's retries landing on the shard
 * that already holds the event, the speed layer read across shards, and the marts built.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startApi, type RunningApi } from '../api/role.js';
import { startConsumer, type RunningConsumer } from '../consumer/role.js';
import { buildMarts } from '../etl/build-marts.js';
import { buildOptionsFromConfig } from '../etl/build-options.js';
import { readMigrations, MIGRATIONS_DIR } from '../migrations/migration-files.js';
import { createLogger } from '../lib/logger.js';
import { createPgPool } from '../lib/postgres.js';
import { createSiteStore } from '../lib/sites.js';
import {
  clusterClickHouse,
  clusterConfig,
  clusterEndpoints,
  clusterLayout,
  clusterShards,
  rowsPerShard,
} from './cluster-helpers.js';
import { isolatedPipelineEnv, queryRows, sleepUntil, uniqueName, withPgClient } from './helpers.js';

const EVENTS = 2_000;
const RETRIED = 200;
const layout = clusterLayout();
const cluster = layout.kind === 'single' ? '' : layout.cluster;

describe('the cluster schema', () => {
  const clickhouse = clusterClickHouse();
  afterAll(() => clickhouse.close());

  it('is in cluster mode: a Distributed table under each public name, a local table on every node', async () => {
    expect(layout.kind).not.toBe('single');
    const nodes = await queryRows<{ n: string }>(
      clickhouse,
      'SELECT count() AS n FROM system.clusters WHERE cluster = {cluster:String}',
      { cluster },
    );
    const nodeCount = Number(nodes[0]!.n);
    expect(nodeCount).toBeGreaterThanOrEqual(2);
    const tables = await queryRows<{ name: string; engine: string }>(
      clickhouse,
      "SELECT name, engine FROM system.tables WHERE database = 'clickstream' AND name IN ('events', 'etl_runs', 'mart_sessions', 'mart_traffic_hourly_exact', 'mart_traffic_hourly', 'mart_traffic_hourly_speed') ORDER BY name",
    );
    expect(tables).toEqual([
      { name: 'etl_runs', engine: 'Distributed' },
      { name: 'events', engine: 'Distributed' },
      { name: 'mart_sessions', engine: 'Distributed' },
      { name: 'mart_traffic_hourly', engine: 'View' },
      { name: 'mart_traffic_hourly_exact', engine: 'Distributed' },
      { name: 'mart_traffic_hourly_speed', engine: 'Distributed' },
    ]);
    const locals = await queryRows<{ name: string; engine: string; n: string }>(
      clickhouse,
      `SELECT name, any(engine) AS engine, toString(count()) AS n FROM clusterAllReplicas({cluster:String}, system.tables)
       WHERE database = 'clickstream' AND name IN ('events_local', 'mart_sessions_local', 'mart_traffic_hourly_speed_mv')
       GROUP BY name ORDER BY name`,
      { cluster },
    );
    const replicated = layout.kind === 'server-cluster' ? 'Replicated' : '';
    expect(locals).toEqual([
      { name: 'events_local', engine: `${replicated}ReplacingMergeTree`, n: String(nodeCount) },
      { name: 'mart_sessions_local', engine: `${replicated}MergeTree`, n: String(nodeCount) },
      { name: 'mart_traffic_hourly_speed_mv', engine: 'MaterializedView', n: String(nodeCount) },
    ]);
  });

  it('records every migration file in the mode it was applied in, on every node', async () => {
    const files = readMigrations(MIGRATIONS_DIR);
    const recorded = await queryRows<{ node: string; files: string; modes: string[] }>(
      clickhouse,
      `SELECT node, toString(uniqExact(version)) AS files, groupUniqArray(mode) AS modes
       FROM clusterAllReplicas({cluster:String}, clickstream.schema_migrations) GROUP BY node ORDER BY node`,
      { cluster },
    );
    expect(recorded.length).toBeGreaterThanOrEqual(2);
    for (const row of recorded) expect(row).toMatchObject({ files: String(files.length), modes: [layout.kind] });
  });
});

describe('POST /events → Kafka → consumer → the shards', () => {
  const site = uniqueName('cluster').replace(/_/g, '-');
  let key = '';
  let api: RunningApi;
  let consumer: RunningConsumer;
  const clickhouse = clusterClickHouse();
  const pgPool = createPgPool(inject('databaseUrl'));
  // three hours back: before the build's cutoff, so the exact marts count them
  const start = Date.now() - 3 * 3_600_000;
  const events = Array.from({ length: EVENTS }, (_, i) => ({
    event_id: crypto.randomUUID(),
    type: i % 10 === 0 ? 'click' : i % 3 === 0 ? 'impression' : 'pageview',
    session_id: `s${i % 97}`,
    url: `/p/${i % 13}`,
    created_at: new Date(start + i * 1000).toISOString(),
    payload: { element_id: `card-${i % 5}` },
  }));
  const count = (sql: string) =>
    queryRows<{ n: string }>(clickhouse, sql, { site }).then((rows) => Number(rows[0]?.n ?? 0));

  beforeAll(async () => {
    const config = clusterConfig(await isolatedPipelineEnv({ CONSUMER_FLUSH_MS: '100' }));
    key = (await withPgClient((c) => createSiteStore(c).add(site, []))).key;
    const logger = createLogger('warn', 'test');
    const endpoints = clusterEndpoints();
    api = await startApi({ config, logger, endpoints });
    consumer = await startConsumer({ config, logger, endpoints });
  });

  afterAll(async () => {
    await api?.stop();
    await consumer?.stop();
    await pgPool.end();
    await clickhouse.close();
  });

  const post = async (batch: unknown[]) => {
    const response = await fetch(`${api.url}/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Write-Key': key, 'User-Agent': 'Mozilla/5.0 Firefox/126.0' },
      body: JSON.stringify(batch),
    });
    expect(response.status).toBe(202);
  };

  it('loads every event once, spread over the shards by event_id', { timeout: 90_000 }, async () => {
    for (let i = 0; i < events.length; i += 250) await post(events.slice(i, i + 250));
    await sleepUntil(
      'all events on the cluster',
      async () => (await count('SELECT uniqExact(event_id) AS n FROM events WHERE site_id = {site:String}')) === EVENTS,
      60_000,
    );
    const shards = await rowsPerShard(clickhouse, 'events', 'site_id = {site:String}', { site });
    expect([...shards.keys()].length).toBeGreaterThanOrEqual(2);
    for (const rows of shards.values()) expect(rows).toBeGreaterThan(EVENTS / shards.size / 2);
    // The speed layer (materialized views on each shard's local events) merges across
    // shards. A view's rows are written after its source's part, not atomically with it, so
    // they may trail the events just seen by a moment (ClickHouse/ClickHouse#22250: the insert
    // into a table and its views is not transactional; this failed once in CI: 1,873 of 2,000).
    const speed = () =>
      queryRows<{ events: string; sessions: string }>(
        clickhouse,
        'SELECT toString(sum(events)) AS events, toString(uniqExactMerge(sessions)) AS sessions FROM mart_traffic_hourly_speed WHERE site_id = {site:String}',
        { site },
      );
    await sleepUntil(
      'the speed layer holding every event',
      async () => (await speed())[0]?.events === String(EVENTS),
      10_000,
    );
    expect((await speed())[0]).toEqual({ events: String(EVENTS), sessions: '97' });
  });

  it('a retried event reaches the shard that holds it: counted once after dedup', { timeout: 90_000 }, async () => {
    // a client resending batches whose 202 it never saw: same event ids, new Kafka records
    await post(events.slice(0, RETRIED));
    await sleepUntil(
      'the retried events inserted (the speed layer counts every insert)',
      async () =>
        (await count('SELECT sum(events) AS n FROM mart_traffic_hourly_speed WHERE site_id = {site:String}')) ===
        EVENTS + RETRIED,
      60_000,
    );
    expect(
      await count(
        'SELECT count() AS n FROM (SELECT event_id FROM events WHERE site_id = {site:String} GROUP BY event_id HAVING uniqExact(_shard_num) > 1)',
      ),
    ).toBe(0);
    expect(await count('SELECT count() AS n FROM events FINAL WHERE site_id = {site:String}')).toBe(EVENTS);
  });

  it('builds the marts on the cluster from every shard', { timeout: 120_000 }, async () => {
    const shards = clusterShards(clickhouse);
    try {
      await buildMarts({
        clickhouse,
        shards,
        pgPool,
        options: buildOptionsFromConfig(clusterConfig()),
        from: new Date(start - 3_600_000),
        to: new Date(),
        marts: ['traffic_hourly', 'sessions', 'ctr_daily'],
      });
    } finally {
      await shards.close();
    }
    const traffic = await queryRows<{ events: string; sessions: string }>(
      clickhouse,
      'SELECT sum(events) AS events, max(sessions) AS sessions FROM mart_traffic_hourly WHERE site_id = {site:String}',
      { site },
    );
    // exact: each event once, the retries deduplicated, whatever shard they are on
    expect(Number(traffic[0]!.events)).toBe(EVENTS);
    expect(await count('SELECT count() AS n FROM mart_sessions WHERE site_id = {site:String}')).toBe(97);
    const ctr = await count(
      'SELECT sum(impressions) + sum(clicks) AS n FROM mart_ctr_daily WHERE site_id = {site:String}',
    );
    expect(ctr).toBe(events.filter((e) => e.type !== 'pageview').length);
    expect((await rowsPerShard(clickhouse, 'mart_sessions', 'site_id = {site:String}', { site })).size).toBeGreaterThan(
      1,
    );
  });
});
