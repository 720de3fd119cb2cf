/**
 * The migration files rendered for a server cluster (the Docker `cluster` profile, or any
 * cluster with Keeper), checked on the SQL text: such a cluster cannot run here, so what it
 * would be sent is what is tested. Every table that holds rows becomes a Replicated local
 * table whose Keeper path is made of the servers' {shard}/{replica} macros, plus a
 * Distributed table under the public name; every statement carries ON CLUSTER.
 */
import { describe, expect, it } from 'vitest';
import { renderMigrations } from './clickhouse-migrations.js';
import { createClusterRenderer } from './cluster-ddl.js';
import { MIGRATIONS_DIR, readMigrations } from './migration-files.js';

const layout = { kind: 'server-cluster', cluster: 'clickstream', database: 'clickstream' } as const;
const migrations = readMigrations(MIGRATIONS_DIR);
const steps = [...renderMigrations(migrations, layout).values()].flat();
const sql = steps.map((s) => s.sql.replace(/\s+/g, ' '));
const KEEPER = "('/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";

const created = (name: string) =>
  sql.filter((s) => new RegExp(`^CREATE (OR REPLACE )?TABLE (IF NOT EXISTS )?${name} `).test(s));

describe('migrations rendered for a server cluster', () => {
  it('sends every statement once, with ON CLUSTER (the servers spread it to each node)', () => {
    expect(steps.length).toBeGreaterThan(migrations.length);
    for (const [i, step] of steps.entries()) {
      expect(step.spread, sql[i]).toBe('once');
      if (!/^INSERT /.test(sql[i]!)) expect(sql[i]).toContain(' ON CLUSTER clickstream');
    }
  });

  it('events_local is a ReplicatedReplacingMergeTree on the {shard}/{replica} Keeper path, version column kept', () => {
    const [local] = created('events_local');
    expect(local).toContain(`ENGINE = ReplicatedReplacingMergeTree${KEEPER}, inserted_at)`);
    expect(local).toContain('ORDER BY (site_id, type, event_id)');
  });

  it('insert dedup tokens stay on: the non-replicated window becomes the replicated one', () => {
    const [local] = created('events_local');
    expect(local).toContain('replicated_deduplication_window = 10000');
    expect(local).not.toContain('non_replicated_deduplication_window');
  });

  it('events keep their public name as a Distributed table sharded by event_id (never visitor_id)', () => {
    expect(created('events')).toEqual([
      'CREATE TABLE IF NOT EXISTS events ON CLUSTER clickstream AS events_local ENGINE = Distributed(clickstream, clickstream, events_local, cityHash64(event_id))',
    ]);
  });

  it('every local table is Replicated on the macros path, and has its Distributed table', () => {
    const locals = sql.filter((s) => /^CREATE TABLE (IF NOT EXISTS )?\w+_local /.test(s));
    expect(locals.length).toBeGreaterThan(20);
    for (const local of locals) {
      expect(local).toMatch(/ENGINE = Replicated\w*MergeTree\(/);
      expect(local).toContain(KEEPER);
      const name = /TABLE (?:IF NOT EXISTS )?(\w+)_local /.exec(local)![1]!;
      expect(
        sql.some((s) => s.includes(` ${name} ON CLUSTER clickstream AS ${name}_local ENGINE = Distributed(`)),
        name,
      ).toBe(true);
    }
  });

  it('the marts, their staging twins and the speed layer are all sharded tables', () => {
    for (const name of [
      'mart_sessions',
      'mart_sessions_staging',
      'mart_traffic_hourly_speed',
      'mart_ctr_daily_speed',
      'mart_retention_weekly',
      'mart_retention_weekly_staging',
    ])
      expect(created(`${name}_local`).length, name).toBeGreaterThanOrEqual(1);
  });

  it('the materialized views (speed layer, loaded events) read each node’s local events into local tables', () => {
    const views = sql.filter((s) => s.startsWith('CREATE MATERIALIZED VIEW'));
    expect(views.length).toBeGreaterThanOrEqual(2);
    for (const view of views) {
      expect(view).toMatch(/ TO mart_\w+_local AS /);
      expect(view).toMatch(/FROM events_local\b/);
    }
  });

  it('a table rebuilt in place (CREATE OR REPLACE) must be empty first: no replica inserts its copy twice', () => {
    const guarded = steps.filter((s) => s.requireEmpty);
    expect(guarded.length).toBeGreaterThan(0);
    for (const step of guarded)
      expect(step.sql).toMatch(/^DROP TABLE IF EXISTS \w+_local ON CLUSTER clickstream SYNC$/);
  });

  it('the embedded cluster gets the same schema with plain engines and no ON CLUSTER, on each node', () => {
    const embedded = [...renderMigrations(migrations, { ...layout, kind: 'embedded-cluster' }).values()].flat();
    expect(embedded.every((s) => !s.sql.includes('ON CLUSTER') && !/Replicated/.test(s.sql))).toBe(true);
    expect(embedded.filter((s) => s.spread === 'each-node').length).toBeGreaterThan(40);
  });

  it('cluster-import’s twin tables copy the engine and sharding key of their table', () => {
    const renderer = createClusterRenderer(layout);
    renderMigrations(migrations, layout, renderer);
    const [local, distributed] = renderer.twinTable('events', '_import').map((s) => s.sql.replace(/\s+/g, ' '));
    expect(local).toBe(
      `CREATE TABLE IF NOT EXISTS events_import_local ON CLUSTER clickstream AS events_local ENGINE = ReplicatedReplacingMergeTree${KEEPER}, inserted_at) PARTITION BY toDate(ts) ORDER BY (site_id, type, event_id) SETTINGS replicated_deduplication_window = 10000`,
    );
    expect(distributed).toContain('Distributed(clickstream, clickstream, events_import_local, cityHash64(event_id))');
    expect(renderer.schema.tables.has('events_import')).toBe(false);
  });
});
