/**
 * Exactly-once as the user sees it: the consumer process is killed with SIGKILL at random
 * moments while 100k events flow (some sent twice on purpose, as a retrying client would),
 * restarted each time, and in the end every event counts exactly once.
 *
 * Each kill lands while the consumer is loading: we wait until its rows start arriving,
 * then kill it 0-400 ms later, i.e. between or in the middle of inserts and commits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { RawEventMessage } from '../api/raw-event-message.js';
import { createKafka } from '../lib/kafka.js';
import { isolatedPipelineEnv, queryRows, sleepUntil, testClickHouse, testConfig, uniqueName } from './helpers.js';

const EVENTS = Number(process.env.CRASH_TEST_EVENTS ?? 100_000);
const DUPLICATES = 2_000; // events produced a second time
const KILLS = 5;

describe('consumer under kill -9', () => {
  const clickhouse = testClickHouse();
  let child: ChildProcess | undefined;

  afterAll(async () => {
    child?.kill('SIGKILL');
    await clickhouse.close();
  });

  it(`loads ${EVENTS} events exactly once across ${KILLS} crashes`, { timeout: 240_000 }, async () => {
    const site = uniqueName('crash').replace(/_/g, '-');
    const env = {
      ...inject('testEnv'),
      ...(await isolatedPipelineEnv()),
      CONSUMER_FLUSH_ROWS: '2000',
      // The group notices a killed member after this long; the broker's minimum is 6 s.
      CONSUMER_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'error',
    };
    const config = testConfig(env);
    const kafka = createKafka({ brokers: inject('kafkaBrokers'), clientId: 'crash-test' });

    const startConsumer = () => {
      child = spawn(process.execPath, ['bin/clickstream.js', 'consumer'], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      return child;
    };

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const receivedAt = new Date().toISOString();
    const message = (i: number) => {
      const value: RawEventMessage = {
        v: 1,
        site_id: site,
        event: {
          event_id: uuidFor(i),
          type: i % 10 === 0 ? 'click' : 'impression',
          session_id: `s${i % 500}`,
          url: `/p/${i % 50}`,
          payload: {},
          extra: {},
        },
        received_at: receivedAt,
        sent_at: null,
        ip: '203.0.113.7',
        request_ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
        request_id: 'crash-test',
      };
      return { key: `${site}:s${i % 500}`, value: JSON.stringify(value) };
    };
    const ids = [
      ...Array.from({ length: EVENTS }, (_, i) => i),
      ...Array.from({ length: DUPLICATES }, (_, i) => i * 7),
    ];
    for (let i = 0; i < ids.length; i += 2000) {
      await producer.send({ topic: config.kafka.topicRaw, acks: -1, messages: ids.slice(i, i + 2000).map(message) });
    }
    await producer.disconnect();

    const count = () =>
      queryRows<{ unique: string | number; final: string | number }>(
        clickhouse,
        `SELECT (SELECT uniqExact(event_id) FROM events WHERE site_id = {site:String}) AS unique,
                (SELECT count() FROM events FINAL WHERE site_id = {site:String}) AS final`,
        { site },
      ).then((rows) => rows[0]!);
    let loaded = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const proc = startConsumer();
      const before = loaded;
      loaded = await sleepUntil(
        'the consumer to load rows',
        async () => {
          const n = Number((await count()).unique);
          return n > before ? n : undefined;
        },
        60_000,
        100,
      );
      await sleep(Math.random() * 400);
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
      process.stderr.write(`[crash test] kill ${kill + 1}: ${loaded}+ rows loaded when killed\n`);
    }
    expect(loaded).toBeLessThan(EVENTS); // the kills really happened mid-flow
    startConsumer();

    const done = await sleepUntil(
      'all events loaded',
      async () => {
        const now = await count();
        process.stderr.write(`[crash test] unique=${now.unique} final=${now.final}\n`);
        // UInt64 arrives as a number or a quoted string depending on the server's settings.
        return Number(now.unique) === EVENTS ? now : undefined;
      },
      180_000,
      2000,
    );
    expect(Number(done.unique)).toBe(EVENTS);
    // What every query and mart sees after deduplication: each event once.
    expect(Number(done.final)).toBe(EVENTS);
  });
});

/** A stable UUID for event i, so the duplicates carry the same event_id. */
function uuidFor(i: number): string {
  const hex = i.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}
