/**
 * Times a build of every mart for one day of synthetic events:
 *   npx tsx bench/mart-build.ts [events=100000] [day=2021-01-15] [concurrencies=1,3] [zone]
 * against the configured (or embedded, running) services. The events are made inside
 * ClickHouse (INSERT ... SELECT FROM numbers) under a site id of their own. With a zone
 * (e.g. Europe/Moscow) the site is registered in that zone, a third of the visitors carry
 * an anonymous id and half of those an identify event: what stitching and zones cost.
 *
 * On a cluster (LOCAL_CLICKHOUSE_SHARDS=2 npx clickstream services up, then the same command
 * with LOCAL_CLICKHOUSE_SHARDS=2) the events go in through the Distributed table, the builds
 * swap every shard's partitions, the CPU is summed over the nodes, and the rows per shard are
 * printed: the same arguments on a single server and on the cluster build the same events.
 */
import { clickhouseTarget, createClickHouse } from '../lib/clickhouse.js';
import { clickhouseLayout } from '../lib/clickhouse-layout.js';
import { createEveryShard } from '../lib/clickhouse-shards.js';
import { loadConfig } from '../lib/config.js';
import { resolveEndpoints } from '../lib/endpoints.js';
import { createPgPool } from '../lib/postgres.js';
import { createSiteStore } from '../lib/sites.js';
import { embeddedClickHouseCpu } from './clickhouse-cpu.js';
import { buildOptionsFromConfig } from '../etl/build-options.js';
import { buildMarts } from '../etl/build-marts.js';
import { parseFunnels } from '../etl/funnels.js';
import { ETL_CLICKHOUSE_SETTINGS } from '../etl/clickhouse-settings.js';

/** A funnel over the synthetic paths below, so the funnel mart has work to time. */
const BENCH_FUNNELS = [
  {
    name: 'buy',
    window_minutes: 60,
    steps: [
      { name: 'home', type: 'pageview', path: '/home' },
      { name: 'product', type: 'pageview', path: '/product' },
      { name: 'checkout', type: 'checkout' },
    ],
  },
];

const count = Number(process.argv[2] ?? 100_000);
const day = process.argv[3] ?? '2021-01-15';
const config = loadConfig();
const endpoints = resolveEndpoints(config);
const target = clickhouseTarget(config, endpoints, { requestTimeoutMs: config.etl.queryTimeoutMs });
const clickhouse = createClickHouse(target, ETL_CLICKHOUSE_SETTINGS);
const layout = clickhouseLayout(config);
const shards = createEveryShard(layout, clickhouse, target, endpoints.clickhouseUrls);
const pgPool = createPgPool(endpoints.databaseUrl, () => {}, 12);
const site = `bench_${Date.now().toString(36)}`;
const zone = process.argv[5];
if (zone) await createSiteStore(pgPool).add(site, [], zone);

// ~8 events per visitor, a fifth without session_id, 2% bots, 1% duplicates
await clickhouse.command({
  query: `INSERT INTO events (event_id, site_id, type, session_id, visitor_id, ts, received_at, path, element_id, x, y, channel, device_type, browser, os, is_bot, properties)
    SELECT
      if(number % 100 = 99, reinterpretAsUUID(reverse(reinterpretAsFixedString(cityHash64(number - 1)))) , reinterpretAsUUID(reverse(reinterpretAsFixedString(cityHash64(number))))),
      {site:String},
      ['pageview', 'impression', 'impression', 'click', 'pageview', 'checkout'][1 + (cityHash64(number, 1) % 6)],
      if(v % 5 = 0, '', concat('s', toString(v), '-', toString(intDiv(number, {n:UInt64} * 2)))),
      concat('v', toString(v)),
      toDateTime64({day:Date}, 3, 'UTC') + toIntervalMillisecond(cityHash64(number, 2) % 86400000),
      now64(3),
      ['/home', '/product', '/cart', '/about', '/blog'][1 + (cityHash64(number, 3) % 5)],
      ['cta', 'nav', 'buy', ''][1 + (cityHash64(number, 4) % 4)],
      toInt32(cityHash64(number, 5) % 1400), toInt32(cityHash64(number, 6) % 3000),
      ['direct', 'search', 'social', 'email'][1 + (v % 4)],
      ['desktop', 'mobile'][1 + (v % 2)], ['Chrome', 'Firefox', 'Safari'][1 + (v % 3)], ['Linux', 'Windows', 'iOS', 'macOS'][1 + (v % 4)],
      v % 50 = 0,
      map('revenue', toString(cityHash64(number, 7) % 100))
    FROM (SELECT number, intDiv(cityHash64(number, 9) % {n:UInt64}, 8) AS v FROM numbers({n:UInt64}))`,
  query_params: { site, n: count, day },
  clickhouse_settings: { wait_end_of_query: 1 },
});
if (zone) {
  // a mutation goes to each shard's own table (a Distributed table takes none)
  await shards.run(
    (on) => `ALTER TABLE ${shards.local('events')}${on} UPDATE anonymous_id = concat('a', substring(visitor_id, 2))
            WHERE site_id = {site:String} AND toUInt64OrZero(substring(visitor_id, 2)) % 3 = 0`,
    {
      params: { site },
      settings: { mutations_sync: '2' },
    },
  );
  await clickhouse.command({
    query: `INSERT INTO events (event_id, site_id, type, user_id, anonymous_id, visitor_id, ts, received_at)
      SELECT generateUUIDv4(), {site:String}, 'identify', concat('user', toString(v)), concat('a', toString(v)),
             concat('u:user', toString(v)), toDateTime64({day:Date}, 3, 'UTC') + toIntervalSecond(v % 86400), now64(3)
      FROM (SELECT DISTINCT toUInt64OrZero(substring(visitor_id, 2)) AS v FROM events WHERE site_id = {site:String})
      WHERE v % 6 = 0`,
    query_params: { site, day },
    clickhouse_settings: { wait_end_of_query: 1 },
  });
}
const options = { ...buildOptionsFromConfig(config), funnels: parseFunnels(BENCH_FUNNELS) };
const from = new Date(`${day}T00:00:00Z`);
// Wall time on a shared machine swings 2x with other load; the embedded ClickHouse's own
// CPU time per build (builds one at a time) is what compares across runs.
// (every embedded node's, on the embedded cluster)
const serverCpu = await embeddedClickHouseCpu(config);
if (layout.kind !== 'single') {
  const perShard = await clickhouse.query({
    query:
      'SELECT _shard_num AS shard, count() AS rows FROM events WHERE site_id = {site:String} GROUP BY shard ORDER BY shard',
    query_params: { site },
    format: 'JSONEachRow',
  });
  const counts = (await perShard.json<{ shard: number; rows: string }>()).map((r) => `shard ${r.shard}: ${r.rows}`);
  process.stdout.write(`${layout.kind} ${layout.cluster}, events per shard: ${counts.join(', ')}\n`);
}
for (const concurrency of (process.argv[4] ?? '1,3').split(',').map(Number)) {
  const started = Date.now();
  const cpuStart = serverCpu();
  let cpuLast = cpuStart;
  const cpu: string[] = [];
  const results = await buildMarts({
    clickhouse,
    shards,
    pgPool,
    options,
    from,
    to: new Date(from.getTime() + 1),
    concurrency,
    onProgress: (_done, _total, last) => {
      const now = serverCpu();
      cpu.push(`${last.mart} ${(now - cpuLast).toFixed(2)}`);
      cpuLast = now;
    },
  });
  const total = Date.now() - started;
  process.stdout.write(
    `${count} events, concurrency ${concurrency}: all marts in ${total} ms (${results.map((r) => `${r.mart} ${r.durationMs}`).join(', ')}); ` +
      `ClickHouse CPU ${(serverCpu() - cpuStart).toFixed(1)} s${concurrency === 1 ? ` (${cpu.join(', ')})` : ''}\n`,
  );
}
await pgPool.end();
await shards.close();
await clickhouse.close();
