/**
 * ClickHouse settings for mart builds. A busy day's build aggregates millions of rows and,
 * with the ±1 day dedup window and the attribution lookback, reads several days: two such
 * builds at once exceeded a 10.8 GiB server memory limit on a 24 GiB machine (10M events
 * over 7 days). Past these thresholds GROUP BY and ORDER BY spill to disk instead of
 * failing the build; below them nothing changes.
 */
export const ETL_CLICKHOUSE_SETTINGS = {
  max_bytes_before_external_group_by: String(2 * 1024 ** 3),
  max_bytes_before_external_sort: String(2 * 1024 ** 3),
} as const;
