/**
 * Every mart built on the cluster equals the single-server build of the same events, row for
 * row: the hand-made fixture (duplicates, bots, a session across midnight, attribution) and
 * a seeded messy set (identity links, devices, gap sessions, duplicates) for sites in three
 * time zones. Distinct visitors, persons and sessions are counted over the whole cluster, so
 * sharding changes nothing. Then `clickstream backfill`, run as a command against the
 * cluster, rebuilds and the marts stay equal.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildMarts } from '../etl/build-marts.js';
import { parseFunnels } from '../etl/funnels.js';
import { MART_NAMES } from '../etl/marts.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { singleServer } from '../lib/clickhouse-shards.js';
import { createPgPool, type Pool } from '../lib/postgres.js';
import { createSiteStore } from '../lib/sites.js';
import { clusterClickHouse, clusterShards, rowsPerShard } from './cluster-helpers.js';
import { testClickHouse, uniqueName, withPgClient } from './helpers.js';
import { FIXTURE_FUNNELS, fixtureEvents, insertEvents } from './support/mart-fixtures.js';
import { randomEvents } from './support/random-events.js';
import { TEST_BUILD_OPTIONS } from './support/build-options.js';

const DAY = '2023-03-14';
const from = new Date('2023-03-12T00:00:00Z');
const to = new Date('2023-03-17T00:00:00Z');
const options = {
  ...TEST_BUILD_OPTIONS,
  conversionTypes: ['checkout', 'signup'],
  funnels: parseFunnels(FIXTURE_FUNNELS),
};
const a = uniqueName('eq_a');
const b = uniqueName('eq_b');
const kolkata = uniqueName('eq_kol');
const angeles = uniqueName('eq_la');
const sites = [a, b, kolkata, angeles];

let single: ClickHouseClient;
let cluster: ClickHouseClient;
let pgPool: Pool;

async function martRows(clickhouse: ClickHouseClient, name: string): Promise<unknown[][]> {
  const result = await clickhouse.query({
    // mart names come from MART_NAMES; sites are params
    query: `SELECT * FROM mart_${name} WHERE site_id IN {sites:Array(String)} ORDER BY ALL`,
    query_params: { sites },
    format: 'JSONCompactEachRow',
  });
  return result.json<unknown[]>();
}

async function buildAll(clickhouse: ClickHouseClient, onCluster: boolean): Promise<number> {
  const shards = onCluster ? clusterShards(clickhouse) : singleServer(clickhouse);
  const started = performance.now();
  try {
    await buildMarts({ clickhouse, shards, pgPool, options, from, to, concurrency: 2 });
  } finally {
    await shards.close();
  }
  return performance.now() - started;
}

beforeAll(async () => {
  pgPool = createPgPool(inject('databaseUrl'), () => {}, 8);
  await withPgClient(async (c) => {
    await createSiteStore(c).add(kolkata, [], 'Asia/Kolkata');
    await createSiteStore(c).add(angeles, [], 'America/Los_Angeles');
  });
  const events = [
    ...fixtureEvents(DAY, a, b),
    ...randomEvents(kolkata, DAY, 2_500, 17),
    ...randomEvents(angeles, DAY, 1_500, 29),
  ];
  single = testClickHouse();
  cluster = clusterClickHouse();
  await Promise.all([insertEvents(single, events), insertEvents(cluster, events)]);
  const [singleMs, clusterMs] = [await buildAll(single, false), await buildAll(cluster, true)];
  process.stderr.write(
    `[cluster marts] ${events.length} events, all marts over ${from.toISOString().slice(0, 10)}..${to.toISOString().slice(0, 10)}: single ${singleMs.toFixed(0)} ms, cluster ${clusterMs.toFixed(0)} ms\n`,
  );
}, 240_000);

afterAll(async () => {
  await pgPool.end();
  await single.close();
  await cluster.close();
});

describe('marts on the cluster', () => {
  it('the events are on both shards', async () => {
    const shards = await rowsPerShard(cluster, 'events', 'site_id IN {sites:Array(String)}', { sites });
    expect(shards.size).toBeGreaterThanOrEqual(2);
    for (const rows of shards.values()) expect(rows).toBeGreaterThan(500);
  });

  it.each(MART_NAMES)('mart_%s equals the single-server build, row for row', async (name) => {
    const expected = await martRows(single, name);
    expect(expected.length, `mart_${name} has rows to compare`).toBeGreaterThan(0);
    expect(await martRows(cluster, name)).toEqual(expected);
  });

  it('a session-level mart spreads its rows over the shards', async () => {
    const shards = await rowsPerShard(cluster, 'mart_sessions', 'site_id IN {sites:Array(String)}', { sites });
    expect(shards.size).toBeGreaterThanOrEqual(2);
  });

  it('`clickstream backfill` rebuilds on the cluster and the marts stay equal', { timeout: 180_000 }, () => {
    const run = spawnSync(
      process.execPath,
      [
        'bin/clickstream.js',
        'backfill',
        '--from',
        '2023-03-13',
        '--to',
        '2023-03-16',
        '--mart',
        'sessions,pages_daily,retention_weekly',
      ],
      {
        env: { ...process.env, ...inject('clusterEnv'), ETL_CONVERSION_TYPES: 'checkout,signup', LOG_LEVEL: 'warn' },
        encoding: 'utf8',
        timeout: 170_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/backfill: \d+ builds/);
    return Promise.all(
      ['sessions', 'pages_daily', 'retention_weekly'].map(async (name) =>
        expect(await martRows(cluster, name), name).toEqual(await martRows(single, name)),
      ),
    );
  });
});
