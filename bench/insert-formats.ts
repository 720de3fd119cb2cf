/**
 * Which insert format should the consumer use? Inserts the same realistic event rows into
 * a scratch copy of `events` as JSONEachRow and as JSONCompactEachRow (the binary RowBinary
 * is not an insert format @clickhouse/client supports), timing client CPU and wall clock.
 *
 *   npx tsx bench/insert-formats.ts [rows]
 *
 * against the configured ClickHouse (CLICKHOUSE_URL, or the embedded one, running).
 */
import { clickhouseTarget, createClickHouse } from '../lib/clickhouse.js';
import { loadConfig } from '../lib/config.js';
import { resolveEndpoints } from '../lib/endpoints.js';
import type { EventRow } from '../consumer/event-row.js';
import { row } from './event-rows.js';

const rows = Number(process.argv[2] ?? 200_000);
const batch = 10_000;
const config = loadConfig();
// the admin: this creates and drops a scratch table
const clickhouse = createClickHouse(clickhouseTarget(config, resolveEndpoints(config), config.clickhouse.admin));

const columns = Object.keys(row(0)) as Array<keyof EventRow>;
const data = Array.from({ length: rows }, (_, i) => row(i));

async function measure(format: 'JSONEachRow' | 'JSONCompactEachRow') {
  const table = `bench_format_${format.toLowerCase()}`;
  await clickhouse.command({ query: `DROP TABLE IF EXISTS ${table}` });
  await clickhouse.command({ query: `CREATE TABLE ${table} AS events` });
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < rows; i += batch) {
    const slice = data.slice(i, i + batch);
    const values = format === 'JSONEachRow' ? slice : slice.map((r) => columns.map((c) => r[c]));
    await clickhouse.insert({
      table,
      values: values as unknown as EventRow[],
      format,
      ...(format === 'JSONCompactEachRow' ? { columns: columns as [string, ...string[]] } : {}),
    });
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await clickhouse.command({ query: `DROP TABLE ${table}` });
  return {
    format,
    rowsPerSecond: Math.round(rows / seconds),
    clientCpuMsPer10k: Math.round(((used.user + used.system) / 1000 / rows) * 10_000),
  };
}

for (let round = 0; round < 2; round++) {
  for (const format of ['JSONEachRow', 'JSONCompactEachRow'] as const)
    console.log(JSON.stringify({ round, ...(await measure(format)) }));
}
await clickhouse.close();
