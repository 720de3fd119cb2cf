/**
 * Exactly-once as the user sees it: the consumer process is killed with SIGKILL at random
 * moments while 300k events flow (some sent twice on purpose, as a retrying client would),
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
import { encodeV2Record } from '../lib/wire/index.js';
import { createKafka } from '../lib/kafka.js';
import { isolatedPipelineEnv, queryRows, sleepUntil, testClickHouse, testConfig, uniqueName } from './helpers.js';

// Enough that five kills still land mid-flow: with many events per record, the consumer
// loads ~25k events between a restart and the kill that follows it.
const EVENTS = Number(process.env.CRASH_TEST_EVENTS ?? 300_000);
const DUPLICATES = 6_000; // events produced a second time
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
    const event = (i: number) => ({
      event_id: uuidFor(i),
      type: i % 10 === 0 ? 'click' : 'impression',
      session_id: `s${i % 500}`,
      url: `/p/${i % 50}`,
      payload: {},
      extra: {},
    });
    // Records as the API writes them: one request's events per record, 1 to 40 events each.
    const record = (ids: number[]) => ({
      value: encodeV2Record(
        {
          site_id: site,
          received_at: receivedAt,
          sent_at: null,
          request_ua:
            'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
          request_id: 'crash-test',
          visitor_hash: '0123456789abcdef0123456789abcdef',
        },
        ids.map(event),
      ),
    });
    const ids = [
      ...Array.from({ length: EVENTS }, (_, i) => i),
      ...Array.from({ length: DUPLICATES }, (_, i) => i * 7),
    ];
    const records: Array<{ value: string }> = [];
    for (let i = 0, size = 1; i < ids.length; i += size, size = (size % 40) + 1)
      records.push(record(ids.slice(i, i + size)));
    for (let i = 0; i < records.length; i += 200) {
      await producer.send({ topic: config.kafka.topicRaw, acks: -1, messages: records.slice(i, i + 200) });
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
