/**
 * Which insert format should the consumer use? Inserts the same realistic event rows into
 * a scratch copy of `events` as JSONEachRow and as JSONCompactEachRow (the binary RowBinary
 * is not an insert format @clickhouse/client supports), timing client CPU and wall clock.
 *
 *   npx tsx bench/insert-formats.ts [rows]
 *
 * against the configured ClickHouse (CLICKHOUSE_URL, or the embedded one, running).
 */
import { randomUUID } from 'node:crypto';
import { clickhouseTarget, createClickHouse } from '../lib/clickhouse.js';
import { loadConfig } from '../lib/config.js';
import { resolveEndpoints } from '../lib/endpoints.js';
import type { EventRow } from '../consumer/event-row.js';
import { clickHouseTime } from '../lib/time.js';

const rows = Number(process.argv[2] ?? 200_000);
const batch = 10_000;
const config = loadConfig();
// the admin: this creates and drops a scratch table
const clickhouse = createClickHouse(clickhouseTarget(config, resolveEndpoints(config), config.clickhouse.admin));

function row(i: number): EventRow {
  const now = new Date();
  return {
    event_id: randomUUID(),
    site_id: `site-${i % 5}`,
    type: i % 11 === 0 ? 'click' : 'impression',
    session_id: `s-${i % 5000}`,
    user_id: '',
    anonymous_id: '',
    visitor_id: 'a3f1c2d4e5f60718293a4b5c6d7e8f90',
    ts: clickHouseTime(now),
    site_date: clickHouseTime(now).slice(0, 10),
    received_at: clickHouseTime(now),
    url: `https://shop.example/catalog/${i % 300}?utm_source=google&utm_medium=cpc`,
    host: 'shop.example',
    path: `/catalog/${i % 300}`,
    query: 'utm_source=google&utm_medium=cpc',
    referrer: 'https://www.google.com/',
    referrer_domain: 'google.com',
    channel: 'paid',
    utm_source: 'google',
    utm_medium: 'cpc',
    utm_campaign: 'winter',
    utm_term: '',
    utm_content: '',
    click_id_type: '',
    click_id: '',
    element_id: `#card-${i % 40}`,
    event_title: 'Product card',
    x: i % 1280,
    y: i % 900,
    browser: 'Chrome',
    browser_version: '120',
    os: 'Windows',
    device_type: 'desktop',
    is_bot: false,
    properties: { plan: 'pro' },
    kafka_partition: i % 4,
    kafka_offset: String(i),
  };
}

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
