/**
 * Work that must reach every shard's own table: partition swaps and drops, TTL changes,
 * mutations. A Distributed table takes inserts and reads, but not these (`REPLACE
 * PARTITION` on it fails with "doesn't support partitioning"), so they go to the local
 * tables: on one server the table itself; on the embedded cluster each node in turn (it has
 * no DDL worker); on a server cluster once, with `ON CLUSTER`, and the servers spread it.
 */
import { type ClickHouseClient, type ClickHouseTarget, createClickHouse } from './clickhouse.js';
import { type ClickHouseLayout, localTable, onCluster } from './clickhouse-layout.js';

export interface EveryShard {
  readonly layout: ClickHouseLayout;
  /** The client queries and Distributed inserts go through (the first node). */
  readonly clickhouse: ClickHouseClient;
  /** The table that holds each node's own rows of `table`. */
  local(table: string): string;
  /**
   * Runs `sql(onCluster)` so that it reaches every shard; `onCluster` is ` ON CLUSTER <name>`
   * on a server cluster and '' elsewhere, for the statement to put where its syntax wants it.
   */
  run(
    sql: (onCluster: string) => string,
    options?: { params?: Record<string, unknown>; settings?: Record<string, unknown> },
  ): Promise<void>;
  /**
   * Waits until every replica of `table` (a local table) holds what was inserted into any of
   * them, so a statement any replica may run next sees it. Only replicated tables need it.
   */
  syncReplicas(table: string): Promise<void>;
  /** Closes the clients this made (not one it was given). */
  close(): Promise<void>;
}

/** Wait for each statement to finish server-side before the next (HTTP may answer early). */
const SYNC = { wait_end_of_query: 1 } as const;

function everyShard(
  layout: ClickHouseLayout,
  clients: [ClickHouseClient, ...ClickHouseClient[]],
  owned: ClickHouseClient[],
): EveryShard {
  const clause = onCluster(layout);
  return {
    layout,
    clickhouse: clients[0],
    local: (table) => localTable(layout, table),
    async run(sql, { params = {}, settings = {} } = {}) {
      const query = sql(clause);
      for (const [i, client] of clients.entries()) {
        try {
          await client.command({ query, query_params: params, clickhouse_settings: { ...SYNC, ...settings } });
        } catch (error) {
          if (clients.length === 1) throw error;
          // the statement may have reached the nodes before: name the one that failed
          throw Object.assign(error as Error, {
            message: `node ${i + 1} of ${clients.length}: ${(error as Error).message}`,
          });
        }
      }
    },
    async syncReplicas(table) {
      if (layout.kind !== 'server-cluster') return;
      await clients[0].command({ query: `SYSTEM SYNC REPLICA${clause} ${table}`, clickhouse_settings: SYNC });
    },
    async close() {
      await Promise.all(owned.map((c) => c.close()));
    },
  };
}

/** One server, through a client the caller owns (closing this leaves it open). */
export function singleServer(clickhouse: ClickHouseClient): EveryShard {
  return everyShard({ kind: 'single' }, [clickhouse], []);
}

/**
 * Every shard of `layout`, reached with `target`'s login: `clickhouse` (the caller's, left
 * open) for the first node, and a client of its own for each other embedded node.
 */
export function createEveryShard(
  layout: ClickHouseLayout,
  clickhouse: ClickHouseClient,
  target: ClickHouseTarget,
  nodeUrls: readonly string[],
): EveryShard {
  if (layout.kind !== 'embedded-cluster') return everyShard(layout, [clickhouse], []);
  const others = nodeUrls.slice(1).map((url) => createClickHouse({ ...target, url }));
  return everyShard(layout, [clickhouse, ...others], others);
}
