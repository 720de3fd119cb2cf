/**
 * Poison messages: a value that cannot be parsed, or a row ClickHouse rejects for its
 * content, goes to the DLQ with the reason and its source position; the rest loads; and
 * `clickstream dlq list` / `dlq replay` see and re-publish it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { RawEventMessage } from '../api/raw-event-message.js';
import { startConsumer, type RunningConsumer } from '../consumer/role.js';
import { insertRows } from '../consumer/insert-rows.js';
import { readDeadLetters, type DeadLetterRecord } from '../consumer/dead-letter-reader.js';
import { createKafka } from '../lib/kafka.js';
import { createLogger } from '../lib/logger.js';
import {
  isolatedPipelineEnv,
  queryRows,
  sleepUntil,
  testClickHouse,
  testConfig,
  testEndpoints,
  uniqueName,
} from './helpers.js';

const run = promisify(execFile);

describe('dead letters', () => {
  const clickhouse = testClickHouse();
  const kafka = createKafka({ brokers: inject('kafkaBrokers'), clientId: 'dlq-test' });
  const site = uniqueName('dlq').replace(/_/g, '-');
  const env: Record<string, string> = {};
  let consumer: RunningConsumer;

  beforeAll(async () => {
    Object.assign(env, inject('testEnv'), await isolatedPipelineEnv({ CONSUMER_FLUSH_MS: '100' }));
    const config = testConfig(env);
    consumer = await startConsumer({ config, endpoints: testEndpoints(), logger: createLogger('error', 'test') });
  });

  afterAll(async () => {
    await consumer?.stop();
    await clickhouse.close();
  });

  it('sends unparseable messages to the DLQ with the reason and loads the rest', async () => {
    const good = (id: string): RawEventMessage => ({
      v: 1,
      site_id: site,
      event: { event_id: id, type: 'pageview', url: '/', payload: {}, extra: {} },
      received_at: new Date().toISOString(),
      sent_at: null,
      ip: '198.51.100.1',
      request_ua: null,
      request_id: 'dlq-test',
    });
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: env.KAFKA_TOPIC_RAW!,
      messages: [
        { key: 'k', value: JSON.stringify(good(ids[0]!)) },
        { key: 'k', value: '{not json' },
        { key: 'k', value: JSON.stringify({ ...good(ids[1]!), event: { ...good(ids[1]!).event, event_id: 'nope' } }) },
        { key: 'k', value: JSON.stringify(good(ids[1]!)) },
      ],
    });
    await producer.disconnect();

    await sleepUntil('good rows loaded', async () => {
      const rows = await queryRows<{ n: number | string }>(
        clickhouse,
        'SELECT count() AS n FROM events WHERE site_id = {site:String}',
        { site },
      );
      return Number(rows[0]!.n) === 2;
    });
    const letters: DeadLetterRecord[] = [];
    await sleepUntil('two dead letters', async () => {
      letters.length = 0;
      await readDeadLetters(kafka, env.KAFKA_TOPIC_DLQ!, { visit: (r) => void letters.push(r) });
      return letters.length === 2;
    });
    expect(letters.map((l) => l.reason.code)).toEqual(['invalid_json', 'invalid_message']);
    expect(letters[1]!.reason.detail).toBe('event.event_id is not a UUID');
    expect(letters[0]!.value?.toString()).toBe('{not json');
    expect(letters[0]!).toMatchObject({ sourceTopic: env.KAFKA_TOPIC_RAW, sourceOffset: '1' });
    // The metric is labelled with the code alone: bounded, whatever the detail says.
    const metrics = await (await fetch(`${consumer.url}/metrics`)).text();
    expect(metrics).toContain('clickstream_consumer_dlq_total{reason="invalid_json"} 1');
    expect(metrics).toContain('clickstream_consumer_dlq_total{reason="invalid_message"} 1');

    const list = await run(process.execPath, ['bin/clickstream.js', 'dlq', 'list'], {
      env: { ...process.env, ...env },
    });
    expect(list.stdout.trim().split('\n')).toHaveLength(2);
    expect(list.stdout).toContain('invalid_json');

    // Replay re-publishes them; still bad, they come back to the DLQ (now 4), nothing is lost.
    const replay = await run(process.execPath, ['bin/clickstream.js', 'dlq', 'replay'], {
      env: { ...process.env, ...env },
    });
    expect(replay.stderr).toContain('replayed 2');
    await sleepUntil('replayed letters back in the DLQ', async () => {
      const n = await readDeadLetters(kafka, env.KAFKA_TOPIC_DLQ!, { visit: () => {} });
      return n === 4;
    });
  });

  it('reads dead letters written before reasons had a code header', async () => {
    const topic = uniqueName('dlq_legacy');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const legacy = (reason: string, offset: string) => ({
      key: 'k',
      value: '{not json',
      headers: {
        'x-dlq-reason': reason,
        'x-source-topic': 'events.raw',
        'x-source-partition': '0',
        'x-source-offset': offset,
        'x-failed-at': '2026-01-02T03:04:05.000Z',
      },
    });
    await producer.send({
      topic,
      messages: [
        legacy('invalid_json: Unexpected token n in JSON at position 1', '7'),
        legacy("clickhouse 27: Cannot parse input: expected '\"' before: x", '8'),
      ],
    });
    await producer.disconnect();
    const letters: DeadLetterRecord[] = [];
    await readDeadLetters(kafka, topic, { visit: (r) => void letters.push(r) });
    expect(letters.map((l) => [l.sourceOffset, l.reason])).toEqual([
      ['7', { code: 'invalid_json', detail: 'Unexpected token n in JSON at position 1' }],
      [
        '8',
        { code: 'clickhouse_rejected', detail: "ClickHouse error 27: Cannot parse input: expected '\"' before: x" },
      ],
    ]);
    expect(letters[0]!.failedAt.toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });

  it('isolates rows ClickHouse rejects for their content and inserts the others', async () => {
    const table = uniqueName('strict');
    await clickhouse.command({ query: `CREATE TABLE ${table} (id UUID, n UInt8) ENGINE = MergeTree ORDER BY id` });
    const rows = [
      { id: crypto.randomUUID(), n: 1 },
      { id: 'not-a-uuid', n: 2 },
      { id: crypto.randomUUID(), n: 3 },
      { id: crypto.randomUUID(), n: 4 },
    ];
    const outcome = await insertRows(clickhouse, table, ['id', 'n'], rows, 'token-1');
    expect(outcome.inserted).toBe(3);
    expect(outcome.rejected.map((r) => r.row.n)).toEqual([2]);
    expect(outcome.rejected[0]!.reason).toMatchObject({
      code: 'clickhouse_rejected',
      detail: expect.stringMatching(/^ClickHouse error \d+: /),
    });
    const stored = await queryRows<{ n: number }>(clickhouse, `SELECT n FROM ${table} ORDER BY n`);
    expect(stored.map((r) => r.n)).toEqual([1, 3, 4]);
    await clickhouse.command({ query: `DROP TABLE ${table}` });
  });
});
