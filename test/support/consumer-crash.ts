/**
 * The exactly-once scenario of the consumer-crash tests, for one server or a cluster: events
 * flow from Kafka (some produced twice on purpose, as a retrying client would) while the
 * consumer process is killed with SIGKILL at random moments and restarted each time; in the
 * end every event counts exactly once.
 *
 * Each kill lands while the consumer is loading: we wait until its rows start arriving,
 * then kill it 0-400 ms later, i.e. between or in the middle of inserts and commits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners } from 'kafkajs';
import type { ClickHouseClient } from '../../lib/clickhouse.js';
import { createKafka } from '../../lib/kafka.js';
import { encodeV2Record } from '../../lib/wire/index.js';
import { queryRows, sleepUntil } from '../helpers.js';

export interface CrashScenario {
  /** The environment of the `clickstream consumer` processes (its topic, group, ClickHouse). */
  env: Record<string, string>;
  topic: string;
  brokers: string[];
  /** Where the counts are read: the server, or the cluster's Distributed `events`. */
  clickhouse: ClickHouseClient;
  site: string;
  events: number;
  duplicates: number;
  kills: number;
  /** Prefix of the progress lines on stderr. */
  label: string;
}

export interface CrashOutcome {
  /** Rows loaded when the last kill landed (less than `events`: the kills were mid-flow). */
  loadedAtLastKill: number;
  unique: number;
  final: number;
}

/** A stable UUID for event i, so the duplicates carry the same event_id. */
function uuidFor(i: number): string {
  return `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

/** Produces the events, kills the consumer `kills` times while it loads, and waits for all of them. */
export async function runCrashScenario(s: CrashScenario): Promise<CrashOutcome> {
  const children: ChildProcess[] = [];
  const startConsumer = () => {
    const child = spawn(process.execPath, ['bin/clickstream.js', 'consumer'], {
      env: { ...process.env, ...s.env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
    return child;
  };
  try {
    const producer = createKafka({ brokers: s.brokers, clientId: 'crash-test' }).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
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
          site_id: s.site,
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
      ...Array.from({ length: s.events }, (_, i) => i),
      ...Array.from({ length: s.duplicates }, (_, i) => i * 7),
    ];
    const records: Array<{ value: string }> = [];
    for (let i = 0, size = 1; i < ids.length; i += size, size = (size % 40) + 1)
      records.push(record(ids.slice(i, i + size)));
    for (let i = 0; i < records.length; i += 200) {
      await producer.send({ topic: s.topic, acks: -1, messages: records.slice(i, i + 200) });
    }
    await producer.disconnect();

    const count = () =>
      queryRows<{ unique: string | number; final: string | number }>(
        s.clickhouse,
        `SELECT (SELECT uniqExact(event_id) FROM events WHERE site_id = {site:String}) AS unique,
                (SELECT count() FROM events FINAL WHERE site_id = {site:String}) AS final`,
        { site: s.site },
      ).then((rows) => ({ unique: Number(rows[0]!.unique), final: Number(rows[0]!.final) }));
    let loaded = 0;
    for (let kill = 0; kill < s.kills; kill++) {
      const proc = startConsumer();
      const before = loaded;
      loaded = await sleepUntil(
        'the consumer to load rows',
        async () => {
          const n = (await count()).unique;
          return n > before ? n : undefined;
        },
        60_000,
        100,
      );
      await sleep(Math.random() * 400);
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
      process.stderr.write(`[${s.label}] kill ${kill + 1}: ${loaded}+ rows loaded when killed\n`);
    }
    startConsumer();
    const done = await sleepUntil(
      'all events loaded',
      async () => {
        const now = await count();
        process.stderr.write(`[${s.label}] unique=${now.unique} final=${now.final}\n`);
        return now.unique === s.events ? now : undefined;
      },
      180_000,
      2000,
    );
    return { loadedAtLastKill: loaded, ...done };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  }
}
