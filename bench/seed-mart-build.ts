/**
 * The mart builds of `clickstream bench --seed-events N`, alone and mart by mart:
 *   npx tsx bench/seed-mart-build.ts [events=10000000] [days=7] [concurrency=2]
 * against the configured (or embedded, running: `npx clickstream services up && npx
 * clickstream migrate`) services. Seeds N realistic events over the days before today
 * (bench/seed-events.ts, site `bench-seed`; skipped when that site already has events, so a
 * second run times the same rows) and builds every mart over those days as the bench does,
 * then prints the wall time, the embedded ClickHouse's CPU time, and each mart's summed
 * build time.
 */
import { buildMarts } from '../etl/build-marts.js';
import { buildOptionsFromConfig } from '../etl/build-options.js';
import { ETL_CLICKHOUSE_SETTINGS } from '../etl/clickhouse-settings.js';
import { clickhouseTarget, createClickHouse } from '../lib/clickhouse.js';
import { loadConfig } from '../lib/config.js';
import { resolveEndpoints } from '../lib/endpoints.js';
import { createPgPool } from '../lib/postgres.js';
import { embeddedClickHouseCpu } from './clickhouse-cpu.js';
import { SEED_FUNNELS, SEED_SITE } from './query-bench.js';
import { seedEvents } from './seed-events.js';

const rows = Number(process.argv[2] ?? 10_000_000);
const days = Number(process.argv[3] ?? 7);
const concurrency = Number(process.argv[4] ?? 2);
const config = loadConfig();
const endpoints = resolveEndpoints(config);
const timeouts = { requestTimeoutMs: config.etl.queryTimeoutMs };
// the seed settles the speed tables (OPTIMIZE): the admin login; the builds run as the ETL does
const admin = createClickHouse(clickhouseTarget(config, endpoints, { ...config.clickhouse.admin, ...timeouts }));
const clickhouse = createClickHouse(clickhouseTarget(config, endpoints, timeouts), ETL_CLICKHOUSE_SETTINGS);
const pgPool = createPgPool(endpoints.databaseUrl, () => {}, concurrency + 1);
const serverCpu = await embeddedClickHouseCpu(config);

const today = new Date(new Date().toISOString().slice(0, 10));
const from = new Date(today.getTime() - days * 86_400_000);
const to = new Date(today.getTime() - 1);
const existing = await admin.query({
  query: 'SELECT count() AS n FROM events WHERE site_id = {site:String} AND ts >= {from:DateTime64(3)}',
  query_params: { site: SEED_SITE, from: from.toISOString().replace('T', ' ').replace('Z', '') },
  format: 'JSONEachRow',
});
const [{ n } = { n: '0' }] = await existing.json<{ n: string }>();
if (Number(n) === 0) {
  const seed = await seedEvents(admin, { siteId: SEED_SITE, rows, days });
  process.stdout.write(
    `seeded ${rows.toLocaleString('en')} events over ${days} days in ${seed.seconds.toFixed(1)} s\n`,
  );
} else {
  process.stdout.write(`${SEED_SITE} already has ${Number(n).toLocaleString('en')} events in the range: not seeding\n`);
}

const perMart = new Map<string, number>();
const cpuStart = serverCpu();
const started = performance.now();
await buildMarts({
  clickhouse,
  pgPool,
  options: { ...buildOptionsFromConfig(config), funnels: SEED_FUNNELS },
  from,
  to,
  concurrency,
  onProgress: (_done, _total, last) => perMart.set(last.mart, (perMart.get(last.mart) ?? 0) + last.durationMs / 1000),
});
const wall = (performance.now() - started) / 1000;
const cpuUsed = serverCpu() - cpuStart;
const cpu = Number.isNaN(cpuUsed) ? 'n/a (not embedded)' : `${cpuUsed.toFixed(1)} s`;
process.stdout.write(
  `marts for ${days} days, concurrency ${concurrency}: ${wall.toFixed(1)} s wall, ClickHouse CPU ${cpu}\n`,
);
const byTime = [...perMart].sort((a, b) => b[1] - a[1]);
process.stdout.write(
  `build seconds per mart (summed over its builds): ${byTime.map(([m, s]) => `${m} ${s.toFixed(1)}`).join(', ')}\n`,
);
await Promise.all([pgPool.end(), clickhouse.close(), admin.close()]);
