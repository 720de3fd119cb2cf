/**
 * Exactly-once as the user sees it: the consumer process is killed with SIGKILL at random
 * moments while 300k events flow (some sent twice on purpose, as a retrying client would),
 * restarted each time, and in the end every event counts exactly once
 * (test/support/consumer-crash.ts; the cluster's run is test/cluster-consumer-crash.test.ts).
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { isolatedPipelineEnv, testClickHouse, testConfig, uniqueName } from './helpers.js';
import { runCrashScenario } from './support/consumer-crash.js';

// Enough that five kills still land mid-flow: with many events per record, the consumer
// loads ~25k events between a restart and the kill that follows it.
const EVENTS = Number(process.env.CRASH_TEST_EVENTS ?? 300_000);
const DUPLICATES = 6_000; // events produced a second time
const KILLS = 5;

describe('consumer under kill -9', () => {
  const clickhouse = testClickHouse();
  afterAll(() => clickhouse.close());

  it(`loads ${EVENTS} events exactly once across ${KILLS} crashes`, { timeout: 240_000 }, async () => {
    const env = {
      ...inject('testEnv'),
      ...(await isolatedPipelineEnv()),
      CONSUMER_FLUSH_ROWS: '2000',
      // The group notices a killed member after this long; the broker's minimum is 6 s.
      CONSUMER_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'error',
    };
    const outcome = await runCrashScenario({
      env,
      topic: testConfig(env).kafka.topicRaw,
      brokers: inject('kafkaBrokers'),
      clickhouse,
      site: uniqueName('crash').replace(/_/g, '-'),
      events: EVENTS,
      duplicates: DUPLICATES,
      kills: KILLS,
      label: 'crash test',
    });
    expect(outcome.loadedAtLastKill).toBeLessThan(EVENTS); // the kills really happened mid-flow
    expect(outcome.unique).toBe(EVENTS);
    // What every query and mart sees after deduplication: each event once.
    expect(outcome.final).toBe(EVENTS);
  });
});
