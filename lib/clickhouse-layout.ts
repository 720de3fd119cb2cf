/**
 * How the ClickHouse tables are laid out: on one server, or sharded over a cluster. In
 * cluster mode every table that holds rows (events, marts, their staging twins, etl_runs)
 * is a local table on each node, `<name>_local`, plus a `Distributed` table under the
 * public name, so every query, dashboard and command keeps working unchanged. Two kinds of
 * cluster differ in how DDL reaches the nodes and whether shards have replicas:
 *
 * - `embedded-cluster`: the embedded engine's processes (LOCAL_CLICKHOUSE_SHARDS=2), one
 *   replica per shard. It has no DDL worker (no `ON CLUSTER`) and cannot replicate, so the
 *   project sends each statement to every node itself, and engines stay plain MergeTree.
 * - `server-cluster`: real servers with ClickHouse Keeper (CLICKHOUSE_URL +
 *   CLICKHOUSE_CLUSTER): `ON CLUSTER` DDL sent once, `Replicated…MergeTree` engines whose
 *   Keeper paths use the servers' `{shard}` / `{replica}` macros.
 */
/** The cluster name the embedded cluster (and the Docker cluster profile) use by default. */
export const DEFAULT_CLUSTER = 'clickstream';

export type ClickHouseLayout =
  | { readonly kind: 'single' }
  | { readonly kind: 'embedded-cluster' | 'server-cluster'; readonly cluster: string; readonly database: string };

export type ClusterLayout = Extract<ClickHouseLayout, { cluster: string }>;

/** The environment's cluster settings, checked together (lib/config.ts calls this). */
export interface ClusterEnv {
  CLICKHOUSE_URL: string | undefined;
  CLICKHOUSE_CLUSTER: string | undefined;
  CLICKHOUSE_SHARD_URLS: string[] | undefined;
  LOCAL_CLICKHOUSE_SHARDS: number;
}

/** The most embedded shards `LOCAL_CLICKHOUSE_SHARDS` may ask for (each is a ~250 MB process). */
export const MAX_LOCAL_SHARDS = 8;

/**
 * Why a combination of the cluster variables cannot work, or undefined. Each answer names
 * the variables and what to set instead.
 */
export function clusterSettingsProblem(e: ClusterEnv): string | undefined {
  if (e.LOCAL_CLICKHOUSE_SHARDS > MAX_LOCAL_SHARDS)
    return `LOCAL_CLICKHOUSE_SHARDS=${e.LOCAL_CLICKHOUSE_SHARDS}: expected 1 to ${MAX_LOCAL_SHARDS}`;
  if (e.CLICKHOUSE_URL !== undefined && e.LOCAL_CLICKHOUSE_SHARDS > 1)
    return 'LOCAL_CLICKHOUSE_SHARDS starts embedded shards, but CLICKHOUSE_URL names an external server: set one of them (an external cluster is CLICKHOUSE_URL + CLICKHOUSE_CLUSTER)';
  if (e.CLICKHOUSE_URL === undefined && e.CLICKHOUSE_CLUSTER !== undefined && e.LOCAL_CLICKHOUSE_SHARDS === 1)
    return 'CLICKHOUSE_CLUSTER names a cluster of external servers: set CLICKHOUSE_URL to one of its nodes, or LOCAL_CLICKHOUSE_SHARDS=2 for the embedded cluster';
  if (e.CLICKHOUSE_SHARD_URLS !== undefined && e.CLICKHOUSE_CLUSTER === undefined)
    return 'CLICKHOUSE_SHARD_URLS lists the shards of a cluster: set CLICKHOUSE_CLUSTER (and CLICKHOUSE_URL) too';
  return undefined;
}

/** The cluster name in effect: CLICKHOUSE_CLUSTER, or the default for embedded shards. */
export function clusterName(e: ClusterEnv): string | undefined {
  if (e.CLICKHOUSE_CLUSTER !== undefined) return e.CLICKHOUSE_CLUSTER;
  return e.LOCAL_CLICKHOUSE_SHARDS > 1 ? DEFAULT_CLUSTER : undefined;
}

/**
 * What the layout depends on: these fields of the configuration's `clickhouse` (lib/config.ts,
 * which itself uses this file's checks, so it is named by shape, not imported).
 */
export interface LayoutSettings {
  readonly clickhouse: {
    readonly cluster?: string | undefined;
    readonly externalUrl?: string | undefined;
    readonly database: string;
  };
}

/** The layout the configuration asks for. */
export function clickhouseLayout(config: LayoutSettings): ClickHouseLayout {
  const { cluster, externalUrl, database } = config.clickhouse;
  if (cluster === undefined) return { kind: 'single' };
  return { kind: externalUrl === undefined ? 'embedded-cluster' : 'server-cluster', cluster, database };
}

/** The table that holds a node's own rows of `table`: the table itself on one server. */
export function localTable(layout: ClickHouseLayout, table: string): string {
  return layout.kind === 'single' ? table : `${table}_local`;
}

/** ` ON CLUSTER <name>` where DDL is spread by the servers themselves, else ''. */
export function onCluster(layout: ClickHouseLayout): string {
  return layout.kind === 'server-cluster' ? ` ON CLUSTER ${layout.cluster}` : '';
}

/** How the layout is named in `schema_migrations.mode`. */
export function layoutMode(layout: ClickHouseLayout): ClickHouseLayout['kind'] {
  return layout.kind;
}
