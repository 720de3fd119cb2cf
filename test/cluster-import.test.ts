/**
 * Moving a single-server install onto the cluster, as docs/scaling.md tells it: the old
 * server (a database of its own on the single test server) has raw events, built marts, a
 * mart day whose raw events have expired and today's speed layer. `clickstream
 * cluster-import` copies it while it still takes events; more events arrive (a late one into
 * an old day, today's); the marts there are rebuilt; the import runs again and copies only
 * what changed. Then the cluster holds exactly the old server's rows — nothing lost, nothing
 * twice — every mart and view answers the same, a rebuild on the cluster gives the same
 * marts, and a third run copies nothing.
 */
import { execFile, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildMarts } from '../etl/build-marts.js';
import { MART_NAMES, type MartName } from '../etl/marts.js';
import { type ClickHouseClient, createClickHouse } from '../lib/clickhouse.js';
import type { ClusterLayout } from '../lib/clickhouse-layout.js';
import { createEveryShard, type EveryShard, singleServer } from '../lib/clickhouse-shards.js';
import { createPgPool, type Pool } from '../lib/postgres.js';
import { migrate } from '../migrations/runner.js';
import { clusterConfig, clusterEndpoints, clusterLayout, rowsPerShard } from './cluster-helpers.js';
import { queryRows, testLogin, uniqueName, withPgClient } from './helpers.js';
import { type FixtureEvent, fixtureEvents, fixtureId, insertEvents } from './support/mart-fixtures.js';
import { randomEvents } from './support/random-events.js';
import { TEST_BUILD_OPTIONS } from './support/build-options.js';

const DAY = '2023-09-12';
const EXPIRED = '2023-09-11';
const LATE_DAY = '2023-09-13';
const options = TEST_BUILD_OPTIONS;
const database = uniqueName('move');
const [a, b, c] = [uniqueName('mv_a'), uniqueName('mv_b'), uniqueName('mv_c')];
const sites = [a, b, c];
const admin = testLogin('admin');
let source: ClickHouseClient;
let cluster: ClickHouseClient;
let shards: EveryShard;
let pgPool: Pool;
const importRuns: string[] = [];

const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
/** Today's traffic, a few minutes old: what the speed layer shows until the next build. */
const today = (from: number, count: number): FixtureEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    site_id: c,
    event_id: fixtureId(c, 50_000 + from + i),
    type: i % 4 === 0 ? 'click' : 'impression',
    ts: iso(Date.now() - (count - i) * 1_000),
    inserted_at: iso(Date.now()),
    session_id: `today-${(from + i) % 7}`,
    visitor_id: `tv-${(from + i) % 5}`,
    path: '/today',
    element_id: `card-${i % 3}`,
  }));

const build = (clickhouse: ClickHouseClient, shardsOf: EveryShard, from: string, to: string, marts?: MartName[]) =>
  buildMarts({
    clickhouse,
    shards: shardsOf,
    pgPool,
    options,
    from: new Date(from),
    to: new Date(to),
    ...(marts ? { marts } : {}),
  });

function runImport(): string {
  const run = spawnSync(process.execPath, ['bin/clickstream.js', 'cluster-import', '--from', inject('clickhouseUrl')], {
    env: { ...process.env, ...inject('clusterEnv'), CLICKHOUSE_DATABASE: database, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 170_000,
  });
  if (run.status !== 0) throw new Error(`cluster-import exited ${run.status}:\n${run.stderr}`);
  importRuns.push(run.stderr);
  return run.stderr;
}

/**
 * The import while the old install still takes events: today's traffic keeps arriving on the
 * old server until the import exits (its partition changes while it is copied).
 */
async function runImportWhileWriting(): Promise<string> {
  let done = false;
  const run = promisify(execFile)(
    process.execPath,
    ['bin/clickstream.js', 'cluster-import', '--from', inject('clickhouseUrl')],
    {
      env: { ...process.env, ...inject('clusterEnv'), CLICKHOUSE_DATABASE: database, LOG_LEVEL: 'warn' },
      timeout: 170_000,
    },
  ).finally(() => {
    done = true;
  });
  for (let batch = 0; !done; batch++) {
    await insertEvents(source, today(1_000 + batch * 5, 5));
    await sleep(50);
  }
  const { stderr } = await run;
  importRuns.push(stderr);
  return stderr;
}

const copied = (output: string) => Number(/(\d+) partitions copied/.exec(output)?.[1] ?? Number.NaN);

async function rowsOf(clickhouse: ClickHouseClient, table: string): Promise<unknown[][]> {
  const result = await clickhouse.query({
    query: `SELECT * FROM ${table} WHERE site_id IN {sites:Array(String)} ORDER BY ALL`,
    query_params: { sites },
    format: 'JSONCompactEachRow',
  });
  return result.json<unknown[]>();
}

beforeAll(async () => {
  pgPool = createPgPool(inject('databaseUrl'), () => {}, 6);
  const layout: ClusterLayout = { ...(clusterLayout() as ClusterLayout), database };
  const endpoints = clusterEndpoints();
  const clusterTarget = { url: endpoints.clickhouseUrls[0], ...clusterConfig().clickhouse.admin, database };
  await withPgClient(async (postgres) => {
    await migrate({ clickhouse: { url: inject('clickhouseUrl'), ...admin, database }, postgres, log: () => {} });
    await migrate({ clickhouse: clusterTarget, postgres, log: () => {}, layout, nodeUrls: endpoints.clickhouseUrls });
  });
  source = createClickHouse({ url: inject('clickhouseUrl'), ...admin, database });
  cluster = createClickHouse(clusterTarget);
  shards = createEveryShard(layout, cluster, clusterTarget, endpoints.clickhouseUrls);

  // the old install: history, built marts, a day whose raw events have since expired
  await insertEvents(source, [...fixtureEvents(DAY, a, b), ...randomEvents(c, DAY, 1_500, 5), ...today(0, 40)]);
  await build(source, singleServer(source), '2023-09-11', '2023-09-14');
  await build(source, singleServer(source), iso(Date.now() - 3_600_000), iso(Date.now() + 60_000), [
    'traffic_hourly',
    'ctr_daily',
  ]);
  await source.command({ query: `ALTER TABLE events DROP PARTITION '${EXPIRED}'` });
  await runImportWhileWriting();
  // the old install keeps running: a late event into an old day, more of today's traffic,
  // and its ETL rebuilds that day
  await insertEvents(source, [
    {
      site_id: c,
      event_id: fixtureId(c, 90_001),
      type: 'pageview',
      ts: `${LATE_DAY} 08:00:00.000`,
      session_id: 'late',
      visitor_id: 'late-v',
      path: '/late',
    },
    ...today(40, 10),
  ]);
  await build(source, singleServer(source), `${LATE_DAY}T00:00:00Z`, `${LATE_DAY}T12:00:00Z`, [
    'traffic_hourly',
    'sessions',
  ]);
  // then its consumers and etl stop, and the import runs again
  runImport();
}, 300_000);

afterAll(async () => {
  await source?.command({ query: `DROP DATABASE IF EXISTS ${database}` });
  await shards?.run((on) => `DROP DATABASE IF EXISTS ${database}${on} SYNC`);
  await shards?.close();
  await Promise.all([source?.close(), cluster?.close(), pgPool?.end()]);
});

describe('single server → cluster (clickstream cluster-import)', () => {
  it('the second run copies only what changed since the first', () => {
    const [first, second] = importRuns.map(copied);
    expect(first).toBeGreaterThan(5);
    expect(second).toBeGreaterThan(0);
    expect(second).toBeLessThan(first!);
    expect(importRuns[1]).toMatch(/[1-9]\d* unchanged/);
    // the first ran while today's events kept arriving: that partition is left for the next
    expect(importRuns[0]).toMatch(/events \d+: changed on the old server while copied/);
    expect(importRuns[1]).not.toMatch(/changed on the old server/);
  });

  it('the cluster holds exactly the old server’s events, each on the shard its event_id names', async () => {
    expect(await rowsOf(cluster, 'events')).toEqual(await rowsOf(source, 'events'));
    const shardRows = await rowsPerShard(cluster, 'events', 'site_id IN {sites:Array(String)}', { sites });
    expect(shardRows.size).toBeGreaterThanOrEqual(2);
    const twice = await queryRows<{ n: string }>(
      cluster,
      `SELECT toString(count()) AS n FROM (SELECT event_id FROM events WHERE site_id IN {sites:Array(String)}
       GROUP BY event_id HAVING uniqExact(_shard_num) > 1)`,
      { sites },
    );
    expect(twice[0]!.n).toBe('0');
  });

  it.each(MART_NAMES)('mart_%s answers the same (copied, not rebuilt: expired days included)', async (name) => {
    const expected = await rowsOf(source, `mart_${name}`);
    if (name !== 'funnel_daily') expect(expected.length).toBeGreaterThan(0);
    expect(await rowsOf(cluster, `mart_${name}`)).toEqual(expected);
  });

  it('keeps the marts of a day whose raw events expired before the move', async () => {
    const day = await queryRows<{ n: string }>(
      cluster,
      'SELECT toString(count()) AS n FROM mart_sessions WHERE site_id = {a:String} AND day = {d:Date}',
      { a, d: EXPIRED },
    );
    expect(Number(day[0]!.n)).toBeGreaterThan(0);
    const raw = await queryRows<{ n: string }>(
      cluster,
      `SELECT toString(count()) AS n FROM events WHERE toDate(ts) = '${EXPIRED}'`,
    );
    expect(raw[0]!.n).toBe('0');
  });

  it('the build log comes along', async () => {
    const count = (client: ClickHouseClient) =>
      queryRows<{ n: string }>(client, 'SELECT toString(count()) AS n FROM etl_runs').then((r) => r[0]!.n);
    expect(await count(cluster)).toBe(await count(source));
  });

  it('a last run copies nothing: a copy that only repeats events is the same partition', {
    timeout: 120_000,
  }, async () => {
    // a client's retry stored twice on the old server, not yet merged away: the same rows
    // once more, which ReplacingMergeTree folds and every reader deduplicates
    const count = (client: ClickHouseClient) =>
      queryRows<{ n: string }>(client, 'SELECT toString(count()) AS n FROM events WHERE site_id = {c:String}', {
        c,
      }).then((r) => Number(r[0]!.n));
    const before = await count(source);
    await insertEvents(
      source,
      randomEvents(c, DAY, 1_500, 5)
        .filter((e) => e.ts.startsWith(DAY))
        .slice(0, 20),
    );
    expect(await count(source)).toBe(before + 20);
    expect(copied(runImport())).toBe(0);
  });

  it('after the switch, a rebuild on the cluster gives the old server’s marts', { timeout: 120_000 }, async () => {
    await build(cluster, shards, `${LATE_DAY}T00:00:00Z`, `${LATE_DAY}T12:00:00Z`, ['traffic_hourly', 'sessions']);
    for (const name of ['traffic_hourly', 'sessions'])
      expect(await rowsOf(cluster, `mart_${name}`), name).toEqual(await rowsOf(source, `mart_${name}`));
  });
});
