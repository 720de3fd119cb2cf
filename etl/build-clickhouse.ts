/**
 * The ClickHouse clients a mart build needs, as `etl`, `backfill` and the bench make them:
 * one for the build queries (long timeout, spill-to-disk settings) and, in cluster mode, a
 * way to reach every shard for the partition drops and swaps.
 */
import { clickhouseTarget, type ClickHouseClient, createClickHouse } from '../lib/clickhouse.js';
import { clickhouseLayout } from '../lib/clickhouse-layout.js';
import { createEveryShard, type EveryShard } from '../lib/clickhouse-shards.js';
import type { Config } from '../lib/config.js';
import type { Endpoints } from '../lib/endpoints.js';
import { ETL_CLICKHOUSE_SETTINGS } from './clickhouse-settings.js';

export interface BuildClickHouse {
  clickhouse: ClickHouseClient;
  shards: EveryShard;
  close(): Promise<void>;
}

/**
 * The build clients for the configured ClickHouse (one server or a cluster), as the roles'
 * writer or, for work beyond mart builds (`erase` deletes raw events), the given login.
 */
export function createBuildClickHouse(
  config: Config,
  endpoints: Endpoints,
  login?: { user: string; password: string },
): BuildClickHouse {
  const target = clickhouseTarget(config, endpoints, { ...login, requestTimeoutMs: config.etl.queryTimeoutMs });
  const clickhouse = createClickHouse(target, ETL_CLICKHOUSE_SETTINGS);
  const shards = createEveryShard(clickhouseLayout(config), clickhouse, target, endpoints.clickhouseUrls);
  return {
    clickhouse,
    shards,
    async close() {
      await shards.close().catch(() => {});
      await clickhouse.close().catch(() => {});
    },
  };
}
