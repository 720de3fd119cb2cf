/**
 * The ClickHouse half of `migrate`: the migration files, rendered for the layout
 * (cluster-ddl.ts), applied in order, each once, and recorded in `schema_migrations` with
 * the mode they were applied in and the node they reached:
 *
 * - one server: each statement as written, one row per file;
 * - embedded cluster: every statement sent to each node (there is no DDL worker), each
 *   node keeping its own `schema_migrations`, so a node that missed a file (a failure
 *   halfway) gets it at the next run;
 * - server cluster: `ON CLUSTER` statements sent once, `schema_migrations` replicated to
 *   every node, one row per host that the servers report as done.
 *
 * A database migrated in one mode is never migrated in another: moving a single-server
 * install to a cluster is a data move (docs/scaling.md), not a re-render of its schema.
 */
import { type ClickHouseClient, type ClickHouseTarget, createClickHouse } from '../lib/clickhouse.js';
import type { ClickHouseLayout } from '../lib/clickhouse-layout.js';
import { type ClusterStep, createClusterRenderer } from './cluster-ddl.js';
import { type Applied, type Migration, MigrationError, pending, readMigrations } from './migration-files.js';
import { splitStatements } from './sql-statements.js';

export interface ClickHouseMigrationTarget {
  /** The admin login and database; `url` is the node DDL is sent to first. */
  target: ClickHouseTarget & { database: string };
  layout: ClickHouseLayout;
  /** Every node's URL: the embedded cluster's statements go to each. */
  nodeUrls: readonly string[];
}

interface Recorded extends Applied {
  mode: string;
  cluster: string;
}

/** Each migration's steps for the layout, rendered from the first file on (the renderer follows the schema). */
export function renderMigrations(
  migrations: Migration[],
  layout: ClickHouseLayout,
  renderer = layout.kind === 'single' ? undefined : createClusterRenderer(layout),
): Map<number, ClusterStep[]> {
  const steps = new Map<number, ClusterStep[]>();
  for (const m of migrations) {
    steps.set(
      m.version,
      splitStatements(m.sql).flatMap((sql): ClusterStep[] => {
        if (!renderer) return [{ sql, spread: 'once' }];
        try {
          return renderer.renderStatement(sql);
        } catch (error) {
          throw new MigrationError(
            `clickhouse migration ${m.file} cannot be applied in cluster mode: ${(error as Error).message}`,
          );
        }
      }),
    );
  }
  return steps;
}

const on = (layout: ClickHouseLayout) => (layout.kind === 'server-cluster' ? ` ON CLUSTER ${layout.cluster}` : '');

function logTableDdl(layout: ClickHouseLayout, database: string): string[] {
  const columns = `(version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3),
      mode LowCardinality(String) DEFAULT 'single', cluster String DEFAULT '', node String DEFAULT '')`;
  if (layout.kind === 'server-cluster') {
    // one log for the whole cluster: every node is a replica of it, whatever its shard
    return [
      `CREATE TABLE IF NOT EXISTS ${database}.schema_migrations${on(layout)} ${columns}
      ENGINE = ReplicatedMergeTree('/clickhouse/{database}/schema_migrations', '{shard}-{replica}') ORDER BY (version, node)`,
    ];
  }
  return [
    `CREATE TABLE IF NOT EXISTS ${database}.schema_migrations ${columns} ENGINE = MergeTree ORDER BY version`,
    // logs written before cluster mode existed have none of these: they were single-server
    `ALTER TABLE ${database}.schema_migrations ADD COLUMN IF NOT EXISTS mode LowCardinality(String) DEFAULT 'single',
      ADD COLUMN IF NOT EXISTS cluster String DEFAULT '', ADD COLUMN IF NOT EXISTS node String DEFAULT ''`,
  ];
}

function describe(layout: ClickHouseLayout): string {
  return layout.kind === 'single' ? 'single-server mode' : `${layout.kind} mode (cluster ${layout.cluster})`;
}

function checkMode(recorded: Recorded[], layout: ClickHouseLayout, node: string): void {
  const cluster = layout.kind === 'single' ? '' : layout.cluster;
  const other = recorded.find((r) => r.mode !== layout.kind || r.cluster !== cluster);
  if (!other) return;
  const was = other.mode === 'single' ? 'single-server mode' : `${other.mode} mode (cluster ${other.cluster})`;
  throw new MigrationError(
    `ClickHouse at ${node} holds a schema migrated in ${was}; this configuration is ${describe(layout)}. ` +
      'A schema is never re-rendered for another mode: to move a single-server install onto a cluster, migrate the ' +
      'empty cluster and copy the data in with "clickstream cluster-import" (docs/scaling.md).',
  );
}

async function requireEmpty(clickhouse: ClickHouseClient, tables: string[], m: Migration): Promise<void> {
  for (const table of tables) {
    const exists = await clickhouse.query({
      query: 'SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = {table:String}',
      query_params: { table },
      format: 'JSONEachRow',
    });
    if (Number((await exists.json<{ n: string }>())[0]?.n) === 0) continue;
    const result = await clickhouse.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' });
    const rows = Number((await result.json<{ n: string }>())[0]?.n);
    if (rows > 0)
      throw new MigrationError(
        `clickhouse migration ${m.file} rebuilds ${table} from its rows, which a replicated cluster cannot do in DDL ` +
          `(every replica would insert its own copy); ${table} holds ${rows} rows. Copy them with INSERT … SELECT ` +
          'through the Distributed tables in a migration of its own instead.',
      );
  }
}

/** Runs one step on a node; on a server cluster, returns the hosts the servers report as done. */
async function runStep(clickhouse: ClickHouseClient, sql: string): Promise<string[]> {
  if (!/ ON CLUSTER /.test(sql)) {
    await clickhouse.command({ query: sql, clickhouse_settings: { wait_end_of_query: 1 } });
    return [];
  }
  const result = await clickhouse.query({ query: sql, format: 'JSONEachRow' });
  const hosts = await result.json<{ host: string; port: number; status: number; error: string }>();
  const failed = hosts.filter((h) => Number(h.status) !== 0);
  if (failed.length) throw new Error(failed.map((h) => `${h.host}:${h.port}: ${h.error}`).join('; '));
  return hosts.map((h) => `${h.host}:${h.port}`);
}

/** Applies the pending ClickHouse migrations of `dir`; resolves with the files applied. */
export async function migrateClickHouse(
  { target, layout, nodeUrls }: ClickHouseMigrationTarget,
  dir: string,
  log: (m: string) => void,
): Promise<string[]> {
  const { database } = target;
  const urls = layout.kind === 'embedded-cluster' ? nodeUrls : [target.url];
  // A client naming a database that does not exist yet is refused, so create it first
  // with a client that names none. `database` is a checked identifier (lib/config.ts).
  for (const url of urls) {
    const server = createClickHouse({ ...target, url, database: undefined });
    try {
      await server.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}${on(layout)}` });
      for (const ddl of logTableDdl(layout, database)) await server.command({ query: ddl });
    } finally {
      await server.close();
    }
  }
  const nodes = urls.map((url) => ({
    url,
    label: new URL(url).host,
    clickhouse: createClickHouse({ ...target, url }),
  }));
  try {
    const all = readMigrations(dir);
    const todo = await Promise.all(
      nodes.map(async (node) => {
        const result = await node.clickhouse.query({
          query: 'SELECT DISTINCT version, checksum, mode, cluster FROM schema_migrations ORDER BY version',
          format: 'JSONEachRow',
        });
        const recorded = await result.json<Recorded>();
        checkMode(recorded, layout, node.url);
        return new Set(pending('clickhouse', all, recorded).map((m) => m.version));
      }),
    );
    const steps = renderMigrations(all, layout);
    const done: string[] = [];
    for (const m of all.filter((m) => todo.some((t) => t.has(m.version)))) {
      const lacking = nodes.filter((_, i) => todo[i]!.has(m.version));
      const hosts = new Set<string>();
      for (const step of steps.get(m.version)!) {
        if (step.requireEmpty) await requireEmpty(lacking[0]!.clickhouse, step.requireEmpty, m);
        // a data step goes through the Distributed tables once; node 1 ran it if it has the file
        const runOn = step.spread === 'each-node' ? lacking : lacking.slice(0, 1).filter((n) => n === nodes[0]);
        for (const node of runOn) {
          try {
            for (const host of await runStep(node.clickhouse, step.sql)) hosts.add(host);
          } catch (error) {
            throw new MigrationError(
              `clickhouse migration ${m.file} failed on ${node.label}: ${(error as Error).message}\n  in: ${step.sql.slice(0, 200)}`,
            );
          }
        }
      }
      const record = (node: string) => ({
        version: m.version,
        name: m.name,
        checksum: m.checksum,
        mode: layout.kind,
        cluster: layout.kind === 'single' ? '' : layout.cluster,
        node,
      });
      for (const node of lacking) {
        // a server cluster's log is replicated: written once, a row per host the DDL reached
        const values = layout.kind === 'server-cluster' ? [...hosts].sort().map(record) : [record(node.label)];
        await node.clickhouse.insert({ table: 'schema_migrations', values, format: 'JSONEachRow' });
      }
      const where =
        layout.kind === 'single' ? '' : ` (${layout.kind} ${layout.cluster}: ${hosts.size || lacking.length} nodes)`;
      log(`migrate: clickhouse ${m.file} applied${where}`);
      done.push(m.file);
    }
    return done;
  } finally {
    await Promise.all(nodes.map((n) => n.clickhouse.close()));
  }
}
