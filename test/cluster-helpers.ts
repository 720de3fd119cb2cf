/**
 * Helpers for the cluster cases of the stack tests: the config, endpoints and clients of the
 * test cluster (two embedded shards, or the external cluster of an opt-in run; see
 * test/support/test-cluster.ts), and the per-shard view of a table.
 */
import { inject } from 'vitest';
import { type ClickHouseClient, clickhouseTarget, createClickHouse } from '../lib/clickhouse.js';
import { type ClickHouseLayout, clickhouseLayout } from '../lib/clickhouse-layout.js';
import { createEveryShard, type EveryShard } from '../lib/clickhouse-shards.js';
import { type Config, parseConfig } from '../lib/config.js';
import { type Endpoints, resolveEndpoints } from '../lib/endpoints.js';
import { queryRows } from './helpers.js';

/** The config of a `clickstream` process pointed at the test cluster. */
export function clusterConfig(overrides: Record<string, string> = {}): Config {
  return parseConfig({ ...inject('clusterEnv'), ...overrides });
}

export function clusterEndpoints(): Endpoints {
  return resolveEndpoints(clusterConfig());
}

export function clusterLayout(): ClickHouseLayout {
  return clickhouseLayout(clusterConfig());
}

/** A client on the cluster's first node (its Distributed tables reach every shard). */
export function clusterClickHouse(
  role: 'admin' | 'writer' | 'reader' = 'admin',
  database = 'clickstream',
): ClickHouseClient {
  const { clickhouse } = clusterConfig();
  const login =
    role === 'admin'
      ? clickhouse.admin
      : role === 'reader'
        ? clickhouse.reader
        : { user: clickhouse.user, password: clickhouse.password };
  return createClickHouse({ url: clusterEndpoints().clickhouseUrls[0], ...login, database });
}

/** Every shard of the test cluster, for partition work; `clickhouse` is the caller's client. */
export function clusterShards(clickhouse: ClickHouseClient): EveryShard {
  const config = clusterConfig();
  const endpoints = resolveEndpoints(config);
  return createEveryShard(
    clickhouseLayout(config),
    clickhouse,
    clickhouseTarget(config, endpoints),
    endpoints.clickhouseUrls,
  );
}

/** Rows of `table` on each shard (`_shard_num` → rows) for the rows `where` selects. */
export async function rowsPerShard(
  clickhouse: ClickHouseClient,
  table: string,
  where: string,
  params: Record<string, unknown> = {},
): Promise<Map<number, number>> {
  const rows = await queryRows<{ shard: number; n: string }>(
    clickhouse,
    `SELECT _shard_num AS shard, count() AS n FROM ${table} WHERE ${where} GROUP BY shard ORDER BY shard`,
    params,
  );
  return new Map(rows.map((r) => [Number(r.shard), Number(r.n)]));
}
