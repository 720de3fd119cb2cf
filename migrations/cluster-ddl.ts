/**
 * The migration files rendered for a cluster. The files stay the one source of the schema
 * (applied files are immutable and checksummed); in cluster mode each statement becomes:
 *
 * - a table that holds rows → `<name>_local` with the file's columns and engine on every
 *   node, and `<name>`, a Distributed table over it under the public name (sharding key:
 *   {@link SHARDING_KEYS}, else a hash of the sorting key, so a mart row and its rebuilt
 *   version land on the same shard);
 * - a view → the same view on every node, reading the Distributed tables;
 * - a materialized view → one on every node, from the node's local table into a local table
 *   (what it sums merges across shards when read through the Distributed table);
 * - ALTER → the local tables (and the Distributed ones for column changes), RENAME → both
 *   (the Distributed table is recreated over the renamed local one), INSERT → once, through
 *   the Distributed table.
 *
 * On a server cluster the DDL carries `ON CLUSTER` and the engines are `Replicated…` with
 * Keeper paths made of the servers' `{shard}` / `{replica}` macros. Such a cluster cannot
 * rebuild a table from its own rows in DDL (each replica would insert its copy), so a
 * `CREATE OR REPLACE … AS SELECT` there requires the tables involved to be empty (a cluster
 * install starts empty: see docs/scaling.md for moving data in), and says so if not.
 */
import type { ClusterLayout } from '../lib/clickhouse-layout.js';
import { type DdlStatement, parseDdl, type Storage, sortingKey } from './ddl-statement.js';
import { renameReadTables } from './sql-scan.js';

/** Where a table's rows go. Tables not named here hash their sorting key. */
export const SHARDING_KEYS: Readonly<Record<string, string>> = {
  // Every copy of an event (a retry, a replay) reaches the shard that already holds it, so
  // dedup by event_id stays inside one shard. Never visitor_id: its salt changes daily.
  events: 'cityHash64(event_id)',
  // A session's row stays on its shard when a rebuild moves its start.
  mart_sessions: 'cityHash64(site_id, session_id)',
};

export interface ClusterStep {
  sql: string;
  /** `each-node`: the embedded cluster runs it on every node itself; `once`: on one node. */
  spread: 'each-node' | 'once';
  /** Public tables that must hold no rows before this step runs (server clusters only). */
  requireEmpty?: string[];
}

interface ShardedTable {
  storage: Storage;
  shardingKey: string;
}

/** What the migrations so far have created: the renderer's view of the schema. */
export interface ClusterSchema {
  tables: Map<string, ShardedTable>;
  views: Set<string>;
}

export function emptyClusterSchema(): ClusterSchema {
  return { tables: new Map(), views: new Set() };
}

const COLUMN_COMMAND = /^(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b/i;
const KEEPER_PATH = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";

function storageText({ engine, args, clauses }: Storage): string {
  return `ENGINE = ${engine}${args ? `(${args})` : ''}${clauses ? ` ${clauses}` : ''}`;
}

/** The replicated twin of a MergeTree-family storage: same clauses, Keeper path from the macros. */
export function replicatedStorage({ engine, args, clauses }: Storage): string {
  const settings = clauses.replace(/\bnon_replicated_deduplication_window\b/g, 'replicated_deduplication_window');
  return `ENGINE = Replicated${engine}(${KEEPER_PATH}${args ? `, ${args}` : ''})${settings ? ` ${settings}` : ''}`;
}

/** Renders migration files, in order, for one cluster; keeps what they created between files. */
export function createClusterRenderer(layout: ClusterLayout, schema: ClusterSchema = emptyClusterSchema()) {
  const on = layout.kind === 'server-cluster' ? ` ON CLUSTER ${layout.cluster}` : '';
  const server = layout.kind === 'server-cluster';
  const ddl = (sql: string, requireEmpty?: string[]): ClusterStep => ({
    sql,
    spread: server ? 'once' : 'each-node',
    ...(requireEmpty?.length ? { requireEmpty } : {}),
  });
  const sharded = (name: string, what: string): ShardedTable => {
    const table = schema.tables.get(name);
    if (!table) throw new Error(`${what}: ${name} is not a table the migrations created`);
    return table;
  };
  const localOf = (name: string) => (schema.tables.has(name) ? `${name}_local` : undefined);
  const distributed = (name: string, prefix: string) =>
    `${prefix}${name}${on} AS ${name}_local ENGINE = Distributed(${layout.cluster}, ${layout.database}, ${name}_local, ${sharded(name, 'Distributed').shardingKey})`;
  const readTables = (select: string) => {
    const read: string[] = [];
    renameReadTables(select, (t) => void (schema.tables.has(t) && read.push(t)));
    return read;
  };

  function createTable(st: Extract<DdlStatement, { kind: 'create-table' }>): ClusterStep[] {
    const source = st.copyOf === undefined ? undefined : sharded(st.copyOf, `CREATE TABLE ${st.name} AS`);
    const storage = st.storage ?? source?.storage;
    if (!storage || !/MergeTree$/.test(storage.engine))
      throw new Error(`CREATE TABLE ${st.name}: only MergeTree-family tables can be sharded (got ${storage?.engine})`);
    const key = SHARDING_KEYS[st.name] ?? source?.shardingKey ?? `cityHash64(${sortingKey(storage)})`;
    const local = `${st.name}_local`;
    const head = `CREATE ${st.orReplace ? 'OR REPLACE ' : ''}TABLE ${st.ifNotExists ? 'IF NOT EXISTS ' : ''}`;
    const steps: ClusterStep[] = [];
    if (!server) {
      const body = st.columns !== undefined ? `(${st.columns}) ${storageText(storage)}` : `AS ${st.copyOf}_local`;
      const extra = st.columns === undefined && st.storage ? ` ${storageText(st.storage)}` : '';
      const select = st.select === undefined ? '' : ` AS ${renameReadTables(st.select, localOf)}`;
      steps.push(ddl(`${head}${local} ${body}${extra}${select}`));
    } else {
      const guarded = [...new Set([...(st.orReplace ? [st.name] : []), ...(st.select ? readTables(st.select) : [])])];
      if (st.orReplace) steps.push(ddl(`DROP TABLE IF EXISTS ${local}${on} SYNC`, guarded));
      const body = st.columns !== undefined ? `(${st.columns})` : `AS ${st.copyOf}_local`;
      const create = `CREATE TABLE ${st.ifNotExists ? 'IF NOT EXISTS ' : ''}${local}${on} ${body} ${replicatedStorage(storage)}`;
      steps.push(ddl(create, st.orReplace ? undefined : guarded));
    }
    schema.tables.set(st.name, { storage, shardingKey: key });
    steps.push(ddl(distributed(st.name, head)));
    return steps;
  }

  function alter(st: Extract<DdlStatement, { kind: 'alter' }>): ClusterStep[] {
    sharded(st.table, 'ALTER TABLE');
    const steps = [ddl(`ALTER TABLE ${st.table}_local${on} ${st.commands.join(', ')}`)];
    const columns = st.commands.filter((c) => COLUMN_COMMAND.test(c));
    if (columns.length) steps.push(ddl(`ALTER TABLE ${st.table}${on} ${columns.join(', ')}`));
    return steps;
  }

  function rename(st: Extract<DdlStatement, { kind: 'rename' }>): ClusterStep[] {
    const ifExists = st.ifExists ? 'IF EXISTS ' : '';
    if (schema.views.has(st.from)) {
      schema.views.delete(st.from);
      schema.views.add(st.to);
      return [ddl(`RENAME TABLE ${ifExists}${st.from} TO ${st.to}${on}`)];
    }
    const table = sharded(st.from, 'RENAME TABLE');
    schema.tables.delete(st.from);
    schema.tables.set(st.to, table);
    return [
      ddl(`RENAME TABLE ${ifExists}${st.from}_local TO ${st.to}_local${on}`),
      ddl(`DROP TABLE IF EXISTS ${st.from}${on} SYNC`),
      ddl(distributed(st.to, 'CREATE TABLE IF NOT EXISTS ')),
    ];
  }

  function drop(st: Extract<DdlStatement, { kind: 'drop' }>): ClusterStep[] {
    const ifExists = st.ifExists ? 'IF EXISTS ' : '';
    if (schema.tables.delete(st.name)) {
      return [
        ddl(`DROP TABLE ${ifExists}${st.name}${on} SYNC`),
        ddl(`DROP TABLE ${ifExists}${st.name}_local${on} SYNC`),
      ];
    }
    schema.views.delete(st.name);
    return [ddl(`DROP ${st.object} ${ifExists}${st.name}${on}`)];
  }

  /** The steps of one statement of a migration file. */
  function renderStatement(sql: string): ClusterStep[] {
    const st = parseDdl(sql);
    switch (st.kind) {
      case 'create-table':
        return createTable(st);
      case 'create-view':
        schema.views.add(st.name);
        return [
          ddl(
            `CREATE ${st.orReplace ? 'OR REPLACE ' : ''}VIEW ${st.ifNotExists ? 'IF NOT EXISTS ' : ''}${st.name}${on} AS ${st.select}`,
          ),
        ];
      case 'create-mv':
        sharded(st.to, `MATERIALIZED VIEW ${st.name} TO`);
        schema.views.add(st.name);
        return [
          ddl(
            `CREATE MATERIALIZED VIEW ${st.ifNotExists ? 'IF NOT EXISTS ' : ''}${st.name}${on} TO ${st.to}_local AS ${renameReadTables(st.select, localOf)}`,
          ),
        ];
      case 'alter':
        return alter(st);
      case 'rename':
        return rename(st);
      case 'drop':
        return drop(st);
      case 'insert':
        // data goes in through the Distributed table, which places each row on its shard
        return [{ sql, spread: 'once' }];
      case 'other':
        throw new Error(
          `no cluster form for this statement (write it as one of the forms cluster-ddl.ts knows): ${sql.slice(0, 120)}`,
        );
    }
  }

  /**
   * A transient twin of a sharded table, `<name><suffix>_local` + its Distributed table, with
   * the same structure, engine and sharding key (for the partition swaps of cluster-import).
   */
  function twinTable(name: string, suffix: string): ClusterStep[] {
    const table = sharded(name, 'twin of');
    const twin = `${name}${suffix}`;
    const local = server
      ? `CREATE TABLE IF NOT EXISTS ${twin}_local${on} AS ${name}_local ${replicatedStorage(table.storage)}`
      : `CREATE TABLE IF NOT EXISTS ${twin}_local AS ${name}_local`;
    schema.tables.set(twin, table);
    const steps = [ddl(local), ddl(distributed(twin, 'CREATE TABLE IF NOT EXISTS '))];
    schema.tables.delete(twin);
    return steps;
  }

  return { renderStatement, twinTable, schema };
}
