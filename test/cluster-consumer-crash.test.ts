/**
 * Exactly-once on the cluster: the consumer, inserting through the Distributed `events` in
 * the foreground (its commit follows a durable insert on every shard), is killed with
 * SIGKILL while events flow and restarted; every event counts once, each copy of a
 * redelivered event on the shard that already holds it (sharded by event_id).
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { clusterClickHouse, clusterConfig } from './cluster-helpers.js';
import { isolatedPipelineEnv, queryRows, uniqueName } from './helpers.js';
import { runCrashScenario } from './support/consumer-crash.js';

// Enough that every kill lands mid-flow: with many events per record the consumer loads
// ~25k events between a restart and the kill that follows it.
const EVENTS = Number(process.env.CLUSTER_CRASH_TEST_EVENTS ?? 150_000);
const KILLS = 3;

describe('consumer on the cluster under kill -9', () => {
  const clickhouse = clusterClickHouse();
  afterAll(() => clickhouse.close());

  it(`loads ${EVENTS} events exactly once across ${KILLS} crashes`, { timeout: 240_000 }, async () => {
    const env = {
      ...inject('clusterEnv'),
      ...(await isolatedPipelineEnv()),
      CONSUMER_FLUSH_ROWS: '2000',
      CONSUMER_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'error',
    };
    const site = uniqueName('ccrash').replace(/_/g, '-');
    const outcome = await runCrashScenario({
      env,
      topic: clusterConfig(env).kafka.topicRaw,
      brokers: inject('kafkaBrokers'),
      clickhouse,
      site,
      events: EVENTS,
      duplicates: 3_000,
      kills: KILLS,
      label: 'cluster crash test',
    });
    expect(outcome.loadedAtLastKill).toBeLessThan(EVENTS);
    expect(outcome.unique).toBe(EVENTS);
    expect(outcome.final).toBe(EVENTS);
    const split = await queryRows<{ shards: string; on_two: string }>(
      clickhouse,
      `SELECT toString(uniqExact(_shard_num)) AS shards,
              toString((SELECT count() FROM (SELECT event_id FROM events WHERE site_id = {site:String}
                        GROUP BY event_id HAVING uniqExact(_shard_num) > 1))) AS on_two
       FROM events WHERE site_id = {site:String}`,
      { site },
    );
    expect(split[0]).toEqual({ shards: expect.not.stringMatching(/^[01]$/), on_two: '0' });
  });
});
