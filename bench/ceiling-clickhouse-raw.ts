/**
 * Ceiling (a): how fast ClickHouse takes the very rows our consumer loaded, inserted over
 * HTTP (JSONEachRow, blocks of CONSUMER_FLUSH_ROWS, one at a time: the consumer's insert
 * shape) into an identical table, with no Kafka and no enrichment in the way.
 */
import type { ClickHouseClient } from '../lib/clickhouse.js';

export const RAW_CEILING_TABLE = 'bench_ceiling_raw_events';

export interface RawInsertResult {
  rows: number;
  seconds: number;
  rowsPerS: number;
}

/**
 * Copies up to `maxRows` rows of `events` (for the sites) into memory, then times their
 * insert into a fresh copy of the table. The table is dropped afterwards.
 */
export async function measureRawInsert(
  clickhouse: ClickHouseClient,
  options: { siteIds: string[]; maxRows: number; blockRows: number },
): Promise<RawInsertResult> {
  await clickhouse.command({ query: `DROP TABLE IF EXISTS ${RAW_CEILING_TABLE}` });
  await clickhouse.command({ query: `CREATE TABLE ${RAW_CEILING_TABLE} AS events` });
  try {
    const result = await clickhouse.query({
      query: `SELECT * EXCEPT (inserted_at) FROM events WHERE site_id IN {sites:Array(String)} LIMIT {limit:UInt64}`,
      query_params: { sites: options.siteIds, limit: options.maxRows },
      format: 'JSONEachRow',
    });
    const rows = await result.json<Record<string, unknown>>();
    const started = performance.now();
    for (let i = 0; i < rows.length; i += options.blockRows) {
      await clickhouse.insert({
        table: RAW_CEILING_TABLE,
        values: rows.slice(i, i + options.blockRows),
        format: 'JSONEachRow',
      });
    }
    const seconds = (performance.now() - started) / 1000;
    return { rows: rows.length, seconds, rowsPerS: rows.length / seconds };
  } finally {
    await clickhouse.command({ query: `DROP TABLE IF EXISTS ${RAW_CEILING_TABLE}` });
  }
}
