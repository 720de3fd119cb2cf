/**
 * Should the consumer insert through the Distributed `events` or straight into each shard?
 * Inserts the same event rows (consumer-sized inserts) both ways into scratch copies of the
 * events tables on a running cluster, alternating the two in rounds, and prints wall time,
 * the client's CPU and the ClickHouse nodes' CPU per 1,000 rows.
 *
 *   LOCAL_CLICKHOUSE_SHARDS=2 npx clickstream services up
 *   LOCAL_CLICKHOUSE_SHARDS=2 npx tsx bench/cluster-insert.ts [rows per round] [rounds]
 *
 * or against an external cluster with CLICKHOUSE_URL, CLICKHOUSE_CLUSTER and
 * CLICKHOUSE_SHARD_URLS (one URL per shard: where the direct inserts go). Direct inserts
 * split the rows by shard in the client (here by a hash of event_id; a real direct path
 * would have to compute the Distributed table's sharding key exactly). The consumer inserts
 * through the Distributed table: on the embedded cluster that measured faster.
 */
import { createHash } from 'node:crypto';
import { insertRows } from '../consumer/insert-rows.js';
import { clickhouseTarget, createClickHouse } from '../lib/clickhouse.js';
import { clickhouseLayout } from '../lib/clickhouse-layout.js';
import { createEveryShard } from '../lib/clickhouse-shards.js';
import { loadConfig } from '../lib/config.js';
import { resolveEndpoints } from '../lib/endpoints.js';
import { embeddedClickHouseCpu } from './clickhouse-cpu.js';
import { benchEventRows, EVENT_COLUMNS } from './event-rows.js';

const rowsPerRound = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 3);
const batch = 10_000;
const config = loadConfig();
const layout = clickhouseLayout(config);
if (layout.kind === 'single')
  throw new Error('run against a cluster: LOCAL_CLICKHOUSE_SHARDS=2, or CLICKHOUSE_CLUSTER');
const endpoints = resolveEndpoints(config);
const shardUrls = layout.kind === 'embedded-cluster' ? endpoints.clickhouseUrls : config.clickhouse.shardUrls;
if (!shardUrls)
  throw new Error('an external cluster needs CLICKHOUSE_SHARD_URLS (one URL per shard) for the direct inserts');
const admin = clickhouseTarget(config, endpoints, config.clickhouse.admin);
const first = createClickHouse(admin);
const shards = createEveryShard(layout, first, admin, endpoints.clickhouseUrls);
const nodes = shardUrls.map((url) => createClickHouse({ ...admin, url }));
// the embedded nodes' CPU is read from /proc; an external cluster's is not measured here
const serverCpu = await embeddedClickHouseCpu(config, (name) => name.startsWith('clickhouse-shard'));

const dropScratch = async () => {
  await shards.run((on) => `DROP TABLE IF EXISTS bench_events${on} SYNC`);
  await shards.run((on) => `DROP TABLE IF EXISTS bench_events_local${on} SYNC`);
};
await dropScratch();
// a plain MergeTree copy on every node (a scratch table needs no replicas)
await shards.run(
  (on) =>
    `CREATE TABLE bench_events_local${on} AS events_local ENGINE = ReplacingMergeTree(inserted_at) PARTITION BY toDate(ts) ORDER BY (site_id, type, event_id) SETTINGS non_replicated_deduplication_window = 10000`,
);
await shards.run(
  (on) =>
    `CREATE TABLE bench_events${on} AS bench_events_local ENGINE = Distributed(${layout.cluster}, ${config.clickhouse.database}, bench_events_local, cityHash64(event_id))`,
);

const shardOf = (eventId: string) => createHash('md5').update(eventId).digest().readUInt32LE(0) % nodes.length;

async function round(way: 'distributed' | 'direct', offset: number) {
  const data = benchEventRows(rowsPerRound, offset);
  const cpu = process.cpuUsage();
  const server = serverCpu();
  const started = performance.now();
  for (let i = 0; i < data.length; i += batch) {
    const block = data.slice(i, i + batch);
    const token = `bench|${way}|${offset + i}`;
    if (way === 'distributed') await insertRows(first, 'bench_events', EVENT_COLUMNS, block, token);
    else {
      const parts = nodes.map(() => [] as typeof block);
      for (const row of block) parts[shardOf(row.event_id)]!.push(row);
      await Promise.all(
        parts.map((part, n) => insertRows(nodes[n]!, 'bench_events_local', EVENT_COLUMNS, part, token)),
      );
    }
  }
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const per1k = (ms: number) => (ms / data.length) * 1000;
  return {
    way,
    rowsPerS: Math.round(data.length / (wall / 1000)),
    clientMsPer1k: per1k((used.user + used.system) / 1000),
    serverMsPer1k: per1k((serverCpu() - server) * 1000),
  };
}

const results: Awaited<ReturnType<typeof round>>[] = [];
try {
  for (let r = 0; r < rounds; r++) {
    // alternate which goes first, so a noisy moment on the shared box hits both
    const order = r % 2 === 0 ? (['distributed', 'direct'] as const) : (['direct', 'distributed'] as const);
    for (const way of order) results.push(await round(way, (r * 2 + (way === 'direct' ? 1 : 0)) * rowsPerRound));
  }
  for (const way of ['distributed', 'direct'] as const) {
    const mine = results.filter((x) => x.way === way);
    const median = (f: (x: (typeof mine)[number]) => number) =>
      mine.map(f).sort((p, q) => p - q)[Math.floor(mine.length / 2)]!;
    console.log(
      `${way.padEnd(11)} ${String(median((x) => x.rowsPerS)).padStart(7)} rows/s  client ${median((x) => x.clientMsPer1k).toFixed(1)} ms CPU/1k rows  ClickHouse ${median((x) => x.serverMsPer1k).toFixed(1)} ms CPU/1k rows  (median of ${mine.length}: ${mine.map((x) => x.rowsPerS).join(', ')} rows/s)`,
    );
  }
} finally {
  await dropScratch();
  await shards.close();
  await Promise.all([first.close(), ...nodes.map((n) => n.close())]);
}
