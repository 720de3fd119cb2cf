/**
 * Which insert format should the consumer use? Inserts the same realistic event rows into
 * a scratch copy of `events` as JSONEachRow, JSONCompactEachRow (through the client's
 * `insert`) and Native (our encoder, through the client's `exec` with a stream body), timing
 * the client's CPU, the wall clock, and — with CLICKHOUSE_PID — the server's CPU per row.
 *
 *   CLICKHOUSE_PID=1234 npx tsx bench/insert-formats.ts [rows]
 *
 * against the configured ClickHouse (CLICKHOUSE_URL, or the embedded one, running).
 */
import { EVENT_NATIVE_COLUMNS, EVENT_ROW_COLUMNS } from '../consumer/event-row.js';
import { insertRows } from '../consumer/insert-rows.js';
import { clickhouseTarget, createClickHouse } from '../lib/clickhouse.js';
import { loadConfig } from '../lib/config.js';
import { resolveEndpoints } from '../lib/endpoints.js';
import { row } from './event-rows.js';
import { readProcess } from './process-stats.js';

const rows = Number(process.argv[2] ?? 200_000);
const batch = 10_000;
const serverPid = Number(process.env.CLICKHOUSE_PID ?? 0);
const config = loadConfig();
// the admin: this creates and drops a scratch table
const clickhouse = createClickHouse(clickhouseTarget(config, resolveEndpoints(config), config.clickhouse.admin));

const data = Array.from({ length: rows }, (_, i) => row(i));
/** The JSON formats need ClickHouse's text form of a DateTime64. */
const asText = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const textRows = data.map((r) => ({ ...r, ts: asText(r.ts), received_at: asText(r.received_at) }));
const table = `bench_formats_${process.pid}`;
await clickhouse.command({ query: `CREATE TABLE ${table} AS events` });

type Inserter = (chunk: number) => Promise<void>;
const formats: Array<[string, Inserter]> = [
  [
    'JSONEachRow',
    (i) =>
      clickhouse.insert({ table, values: textRows.slice(i, i + batch), format: 'JSONEachRow' }).then(() => undefined),
  ],
  [
    'JSONCompactEachRow',
    (i) =>
      clickhouse
        .insert({
          table,
          columns: [...EVENT_ROW_COLUMNS],
          values: textRows.slice(i, i + batch).map((r) => EVENT_ROW_COLUMNS.map((c) => r[c])),
          format: 'JSONCompactEachRow',
        })
        .then(() => undefined),
  ],
  [
    'Native',
    (i) => insertRows(clickhouse, table, EVENT_NATIVE_COLUMNS, data.slice(i, i + batch)).then(() => undefined),
  ],
];

try {
  for (let round = 0; round < 2; round++) {
    for (const [name, insert] of formats) {
      const server0 = serverPid ? readProcess({ name: 'clickhouse', pid: serverPid, tree: false })?.cpuSeconds : 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < data.length; i += batch) await insert(i);
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const server = serverPid
        ? (readProcess({ name: 'clickhouse', pid: serverPid, tree: false })?.cpuSeconds ?? 0) - (server0 ?? 0)
        : Number.NaN;
      const clientUs = ((cpu.user + cpu.system) / data.length).toFixed(2);
      const serverUs = ((server * 1e6) / data.length).toFixed(2);
      console.log(
        `round ${round + 1} ${name.padEnd(18)} ${Math.round((data.length / wall) * 1000)} rows/s, client CPU ${clientUs} µs/row, server CPU ${serverUs} µs/row`,
      );
    }
  }
} finally {
  await clickhouse.command({ query: `DROP TABLE IF EXISTS ${table}` });
  await clickhouse.close();
}
