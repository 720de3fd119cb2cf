/**
 * Hot retention of raw events: operative data (raw events, needed for rebuilds and the
 * live panels) is kept for a while, historical data (the marts) for ever. Raw `events` are
 * kept for EVENTS_RETENTION_DAYS days, then moved to the ClickHouse volume
 * EVENTS_COLD_VOLUME when one is configured (a storage policy with that volume must exist),
 * else deleted. Marts are never expired: they are the history analysts chart. Unset (the
 * default) means keep raw events forever.
 *
 * A setting, not a migration file: the same schema serves a laptop (keep everything) and a
 * production cluster (30 days hot), so `clickstream migrate` applies whatever is configured
 * and removes the TTL again when the setting is cleared.
 */
import type { EveryShard } from '../lib/clickhouse-shards.js';

export interface RetentionSettings {
  days: number | undefined;
  coldVolume: string | undefined;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The TTL clause for the settings, or undefined for "keep forever". */
export function retentionTtl({ days, coldVolume }: RetentionSettings): string | undefined {
  if (days === undefined) return undefined;
  if (!Number.isInteger(days) || days <= 0)
    throw new Error(`events retention: expected a whole number of days, got ${days}`);
  if (coldVolume !== undefined && !IDENTIFIER.test(coldVolume))
    throw new Error(`events retention: "${coldVolume}" is not a volume name`);
  // Integers and a checked identifier only: ClickHouse takes no query parameters in a TTL.
  return `toDateTime(ts) + INTERVAL ${days} DAY ${coldVolume ? `TO VOLUME '${coldVolume}'` : 'DELETE'}`;
}

/**
 * Sets or removes the TTL of `table` (default `events`) to match the settings; in cluster
 * mode, of every shard's local table (a TTL belongs to the table that stores the rows).
 */
export async function applyEventsRetention(
  shards: EveryShard,
  settings: RetentionSettings,
  table = 'events',
): Promise<string> {
  if (!IDENTIFIER.test(table)) throw new Error(`events retention: "${table}" is not a table name`);
  const ttl = retentionTtl(settings);
  const local = shards.local(table);
  const result = await shards.clickhouse.query({
    query: 'SELECT create_table_query FROM system.tables WHERE database = currentDatabase() AND name = {table:String}',
    query_params: { table: local },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ create_table_query: string }>();
  const hasTtl = / TTL /.test(row?.create_table_query ?? '');
  if (ttl) {
    await shards.run((on) => `ALTER TABLE ${local}${on} MODIFY TTL ${ttl}`, {
      settings: { materialize_ttl_after_modify: 0 },
    });
    return `raw events kept ${settings.days} days, then ${settings.coldVolume ? `moved to volume ${settings.coldVolume}` : 'deleted'}`;
  }
  if (hasTtl) await shards.run((on) => `ALTER TABLE ${local}${on} REMOVE TTL`);
  return 'raw events kept forever';
}
