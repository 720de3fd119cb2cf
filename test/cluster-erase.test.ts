/**
 * `clickstream erase` on the cluster: a person's events are spread over the shards (events
 * are sharded by event_id), so the deletion must run on every shard's own table — a
 * Distributed table takes no mutation — and the marts rebuilt from the whole cluster must
 * equal a build that never saw the person.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildMarts } from '../etl/build-marts.js';
import type { ErasureReport } from '../etl/erase-person.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { singleServer } from '../lib/clickhouse-shards.js';
import { createPgPool, type Pool } from '../lib/postgres.js';
import { clusterClickHouse, clusterShards, rowsPerShard } from './cluster-helpers.js';
import { testClickHouse, uniqueName } from './helpers.js';
import { type FixtureEvent, fixtureId, insertEvents } from './support/mart-fixtures.js';
import { TEST_BUILD_OPTIONS } from './support/build-options.js';

const run = promisify(execFile);
const options = TEST_BUILD_OPTIONS;
const DAY_MS = 86_400_000;
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY_MS).toISOString().slice(0, 10);
const site = uniqueName('cerase').replace(/_/g, '-');
/** The single server holds the same events without the erased person's: what must remain. */
const expectedSite = uniqueName('cerase_exp').replace(/_/g, '-');

let cluster: ClickHouseClient;
let single: ClickHouseClient;
let pgPool: Pool;

/** Two days of three people: u1 (signed in, and anonymous as a1 before), u2 and a2. */
function events(siteId: string, withU1: boolean): FixtureEvent[] {
  const out: FixtureEvent[] = [];
  const person = (n: number, ids: Partial<FixtureEvent>, offset: number) => {
    for (let i = 0; i < n; i++)
      out.push({
        event_id: fixtureId(siteId, offset + i),
        site_id: siteId,
        type: i % 5 === 4 ? 'click' : 'pageview',
        ts: `${day(2 - (i % 2))} 10:${String(i % 60).padStart(2, '0')}:00.000`,
        path: `/p${i % 3}`,
        ...ids,
      });
  };
  if (withU1) {
    person(40, { user_id: 'u1', anonymous_id: 'a1', visitor_id: 'u:u1', session_id: 's-u1' }, 0);
    person(10, { anonymous_id: 'a1', visitor_id: 'h-a1', session_id: 's-a1' }, 100);
  }
  person(30, { user_id: 'u2', visitor_id: 'u:u2', session_id: 's-u2' }, 200);
  person(20, { anonymous_id: 'a2', visitor_id: 'h-a2', session_id: 's-a2' }, 300);
  return out;
}

const martRows = async (clickhouse: ClickHouseClient, siteId: string, name: string) => {
  const result = await clickhouse.query({
    query: `SELECT * EXCEPT site_id FROM mart_${name} WHERE site_id = {site:String} ORDER BY ALL`,
    query_params: { site: siteId },
    format: 'JSONCompactEachRow',
  });
  return result.json<unknown[]>();
};

const from = new Date(`${day(2)}T00:00:00Z`);

beforeAll(async () => {
  cluster = clusterClickHouse();
  single = testClickHouse();
  pgPool = createPgPool(inject('databaseUrl'), () => {}, 4);
  await insertEvents(cluster, events(site, true));
  await insertEvents(single, events(expectedSite, false));
  const shards = clusterShards(cluster);
  try {
    await buildMarts({ clickhouse: cluster, shards, pgPool, options, from, to: new Date(), concurrency: 2 });
  } finally {
    await shards.close();
  }
  await buildMarts({ clickhouse: single, shards: singleServer(single), pgPool, options, from, to: new Date() });
}, 180_000);

afterAll(async () => {
  await pgPool.end();
  await Promise.all([cluster.close(), single.close()]);
});

describe('clickstream erase on the cluster', () => {
  it("deletes the person's events on every shard and rebuilds the marts without them", {
    timeout: 170_000,
  }, async () => {
    const where = "site_id = {site:String} AND (user_id = 'u1' OR anonymous_id = 'a1')";
    expect((await rowsPerShard(cluster, 'events', where, { site })).size).toBe(2);
    const { stdout } = await run(
      process.execPath,
      ['bin/clickstream.js', 'erase', '--site', site, '--user', 'u1', '--json'],
      { env: { ...process.env, ...inject('clusterEnv'), LOG_LEVEL: 'silent' }, timeout: 160_000 },
    );
    const report = JSON.parse(stdout) as ErasureReport;
    expect(report).toMatchObject({ events: 50, remaining: 0, linkedAnonymousIds: ['a1'] });
    expect((await rowsPerShard(cluster, 'events', where, { site })).size).toBe(0);
    expect([...(await rowsPerShard(cluster, 'events', 'site_id = {site:String}', { site })).values()]).toHaveLength(2);
    for (const name of ['traffic_hourly', 'sessions', 'pages_daily', 'devices_daily', 'events_daily'])
      expect(await martRows(cluster, site, name), name).toEqual(await martRows(single, expectedSite, name));
  });
});
