/**
 * Moves a single-server install onto a cluster (docs/scaling.md): every table that holds rows
 * (raw events, the marts' swap tables, etl_runs) is copied partition by partition from the
 * old server into the cluster, whose schema `clickstream migrate` has made in cluster mode.
 *
 * Each partition is compared first (row count and a hash of every row): an equal one is left
 * alone. A different one is streamed (Native) into a transient twin of the table through its
 * Distributed table — so every row lands on the shard the sharding key names, events by
 * event_id like the consumer's inserts — and swapped in on every shard with REPLACE
 * PARTITION. So a run copies what changed since the last, a rerun after a failure finishes
 * the job, and no row is ever in the cluster twice: the cluster ends with exactly the old
 * server's rows. Marts are copied, not rebuilt, so days whose raw events have expired keep
 * their numbers.
 *
 * A swap does not fire materialized views, so the speed layer's tables are rebuilt at the
 * end from the events of the days it covers (the views' own queries, over the whole cluster).
 * Nothing may write the cluster meanwhile: its consumers and ETL start after the import.
 */
import type { ClickHouseSettings } from '@clickhouse/client';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import type { ClusterLayout } from '../lib/clickhouse-layout.js';
import type { EveryShard } from '../lib/clickhouse-shards.js';
import { renderMigrations } from './clickhouse-migrations.js';
import { createClusterRenderer } from './cluster-ddl.js';
import { MIGRATIONS_DIR, readMigrations } from './migration-files.js';

export interface ImportDeps {
  /** The old server, on its database (admin). */
  source: ClickHouseClient;
  /** The cluster (admin), its first node on the same database. */
  shards: EveryShard;
  layout: ClusterLayout;
  log: (line: string) => void;
  /** After each partition: how many were looked at of how many. */
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface ImportResult {
  copied: Array<{ table: string; partition: string; rows: number }>;
  unchanged: number;
  /** Partitions the old server changed while they were copied (the next run copies them again). */
  moving: Array<{ table: string; partition: string }>;
  /** Partitions the cluster has and the old server has not (left alone, reported). */
  extra: Array<{ table: string; partition: string }>;
  speedTables: string[];
}

const TWIN = '_import';
/** Days the speed layer keeps (its TTL) and the public views read. */
const SPEED_DAYS = 8;

async function rows<T>(
  client: ClickHouseClient,
  query: string,
  params: Record<string, unknown> = {},
  settings: ClickHouseSettings = {},
): Promise<T[]> {
  const result = await client.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: settings,
  });
  return result.json<T>();
}

async function schemaVersion(client: ClickHouseClient): Promise<number> {
  const [row] = await rows<{ v: number }>(client, 'SELECT max(version) AS v FROM schema_migrations');
  return Number(row?.v ?? 0);
}

/** What is compared of a table: its columns, and whether rows are read FINAL. */
interface Compared {
  table: string;
  columns: string;
  /** The columns as fingerprinted (aggregate states by their value). */
  hashed: string;
  /**
   * ReplacingMergeTree (events): read FINAL, so two copies of a partition that differ only in
   * how far background merges have folded their duplicates compare equal (and a merge that
   * runs right after a swap does not fail the copy's check).
   */
  final: boolean;
}

/** Each partition's row count and a hash of all its rows (an order-free sum of row hashes). */
async function fingerprints(client: ClickHouseClient, t: Compared, partition?: string): Promise<Map<string, string>> {
  // aliases no table has as a column (etl_runs has `rows`)
  const found = await rows<{ fingerprint_partition: string; fingerprint: string }>(
    client,
    `SELECT _partition_id AS fingerprint_partition,
            concat(toString(count()), ':', toString(sumWithOverflow(cityHash64(tuple(${t.hashed}))))) AS fingerprint
     FROM ${t.table}${t.final ? ' FINAL' : ''} ${partition === undefined ? '' : 'WHERE _partition_id = {partition:String}'}
     GROUP BY fingerprint_partition`,
    partition === undefined ? {} : { partition },
    // FINAL folds a key's rows within each partition only, as merges do: by default it folds
    // them across partitions too, so a retry moved past midnight would count in one partition
    // when all are read and in both when one is
    { do_not_merge_across_partitions_select_final: 1 },
  );
  return new Map(found.map((f) => [f.fingerprint_partition, f.fingerprint]));
}

/** Copies what differs; resolves with what was copied. */
export async function importIntoCluster(deps: ImportDeps): Promise<ImportResult> {
  const { source, shards, layout, log } = deps;
  const cluster = shards.clickhouse;
  const [from, to] = [await schemaVersion(source), await schemaVersion(cluster)];
  if (from !== to)
    throw new Error(
      `the old server's schema is at migration ${from}, the cluster's at ${to}: run "clickstream migrate" against both first`,
    );
  const renderer = createClusterRenderer(layout);
  renderMigrations(readMigrations(MIGRATIONS_DIR), layout, renderer);
  const sourceTables = new Set(
    (
      await rows<{ name: string }>(
        source,
        "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree'",
      )
    ).map((t) => t.name),
  );
  // the speed layer is rebuilt from events below; staging tables are transient
  // materialized views' tables (speed layer, loaded events) are refilled from events instead
  const tables = [...renderer.schema.tables.keys()].filter(
    (t) => !/_(staging|speed)$|^mart_events_loaded_/.test(t) && sourceTables.has(t),
  );
  const result: ImportResult = { copied: [], unchanged: 0, moving: [], extra: [], speedTables: [] };
  const twins = tables.flatMap((t) => renderer.twinTable(t, TWIN));
  const dropTwins = async () => {
    for (const table of tables) {
      await shards.run((on) => `DROP TABLE IF EXISTS ${table}${TWIN}${on} SYNC`);
      await shards.run((on) => `DROP TABLE IF EXISTS ${shards.local(`${table}${TWIN}`)}${on} SYNC`);
    }
  };
  try {
    // a run that died leaves its twins behind: each run starts from empty ones
    await dropTwins();
    for (const step of twins) await shards.run(() => step.sql);
    const work: Array<{ compared: Compared; partition: string; want: string }> = [];
    for (const table of tables) {
      const local = shards.local(table);
      const described = await rows<{ name: string; type: string }>(
        cluster,
        `SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = {table:String}
           AND default_kind NOT IN ('MATERIALIZED', 'ALIAS', 'EPHEMERAL') ORDER BY position`,
        { table: local },
      );
      const columns = described.map((c) => `\`${c.name}\``).join(', ');
      // an aggregate state's bytes change when a copy re-serializes it (a hash set's order):
      // compare what it counts instead
      const hashed = described
        .map((c) => (c.type.startsWith('AggregateFunction(') ? `finalizeAggregation(\`${c.name}\`)` : `\`${c.name}\``))
        .join(', ');
      const [engine] = await rows<{ engine: string }>(
        cluster,
        'SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = {table:String}',
        { table: local },
      );
      const compared: Compared = { table, columns, hashed, final: /ReplacingMergeTree$/.test(engine?.engine ?? '') };
      const [want, have] = [await fingerprints(source, compared), await fingerprints(cluster, compared)];
      for (const [partition, print] of [...want].sort()) {
        if (have.get(partition) === print) result.unchanged++;
        else work.push({ compared, partition, want: print });
      }
      for (const partition of have.keys()) if (!want.has(partition)) result.extra.push({ table, partition });
    }
    for (const [i, { compared, partition, want }] of work.entries()) {
      const { table } = compared;
      await copyPartition(deps, table, compared.columns, partition);
      const now = (await fingerprints(cluster, compared, partition)).get(partition) ?? '0:0';
      if (now !== want) {
        // the old install still runs (a first pass): its partition moved on while it was read
        const then = (await fingerprints(source, compared, partition)).get(partition) ?? '0:0';
        if (then === want)
          throw new Error(`${table} partition ${partition}: the copy has ${now} (rows:hash), the old server ${want}`);
        result.moving.push({ table, partition });
        log(
          `cluster-import: ${table} ${partition}: changed on the old server while copied, the next run copies it again`,
        );
      } else {
        const copiedRows = Number(want.split(':')[0]);
        result.copied.push({ table, partition, rows: copiedRows });
        log(`cluster-import: ${table} ${partition}: ${copiedRows} rows copied`);
      }
      deps.onProgress?.(i + 1, work.length, `${table} ${partition}`);
    }
    result.speedTables = await rebuildSpeedLayer(cluster, shards);
    return result;
  } finally {
    await dropTwins().catch((error: Error) =>
      log(`cluster-import: could not drop the import tables: ${error.message}`),
    );
  }
}

async function copyPartition(deps: ImportDeps, table: string, columns: string, partition: string): Promise<void> {
  const { source, shards } = deps;
  // the twin is made empty for this run and each partition goes through it once
  const twin = shards.local(`${table}${TWIN}`);
  const params = { partition };
  const rowsOut = await source.exec({
    query: `SELECT ${columns} FROM ${table} WHERE _partition_id = {partition:String} FORMAT Native`,
    query_params: params,
  });
  try {
    const inserted = await shards.clickhouse.exec({
      query: `INSERT INTO ${table}${TWIN} (${columns}) FORMAT Native`,
      values: rowsOut.stream,
      // identical blocks of two partitions are both wanted
      clickhouse_settings: { insert_deduplicate: 0 },
    });
    // the (empty) answer must be read to the end, or its socket never returns to the pool
    // and the client waits for the server to drop it, ~30 s later, once the pool is used up
    for await (const _ of inserted.stream) {
    }
  } finally {
    rowsOut.stream.destroy();
  }
  await shards.syncReplicas(twin);
  await shards.run(
    (on) => `ALTER TABLE ${shards.local(table)}${on} REPLACE PARTITION ID {partition:String} FROM ${twin}`,
    // a shard with none of the partition's rows empties its share
    { params, settings: { allow_replace_partition_from_empty_source: 1 } },
  );
}

/**
 * Refills each speed table (the target of a materialized view on events) from the events of
 * the days it covers, with the view's own query run over the whole cluster.
 */
async function rebuildSpeedLayer(cluster: ClickHouseClient, shards: EveryShard): Promise<string[]> {
  const views = await rows<{ create_table_query: string; as_select: string }>(
    cluster,
    "SELECT create_table_query, as_select FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView'",
  );
  const rebuilt: string[] = [];
  for (const view of views) {
    const target = /\sTO\s+[A-Za-z0-9_]+\.([A-Za-z0-9_]+)/.exec(view.create_table_query)?.[1];
    if (!target) continue;
    const table = target.replace(/_local$/, '');
    const [meta] = await rows<{ partition_key: string }>(
      cluster,
      'SELECT partition_key FROM system.tables WHERE database = currentDatabase() AND name = {t:String}',
      { t: target },
    );
    // the view reads each node's local events; over the cluster the same query reads them all
    const select = view.as_select.replace(/\b(FROM\s+[A-Za-z0-9_]+\.[A-Za-z0-9_]+)_local\b/g, '$1');
    await shards.run((on) => `TRUNCATE TABLE ${target}${on}`);
    await cluster.command({
      query: `INSERT INTO ${table} SELECT * FROM (${select}) WHERE ${meta!.partition_key} >= today() - ${SPEED_DAYS}`,
      clickhouse_settings: { wait_end_of_query: 1 },
    });
    rebuilt.push(table);
  }
  return rebuilt;
}
