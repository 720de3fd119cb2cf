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
import { saltDayOf } from '../lib/salt-day.js';
import { visitorId } from '../lib/visitor-id.js';
import { encodeV1Record, encodeV2Record, parseRawRecord } from '../lib/wire/index.js';
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
  withPgClient,
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

  const facts = () => ({
    site_id: site,
    received_at: new Date().toISOString(),
    sent_at: null,
    request_ua: null,
    request_id: 'dlq-test',
    visitor_hash: '0123456789abcdef0123456789abcdef',
  });
  const good = (id: string) => ({ event_id: id, type: 'pageview', url: '/', payload: {}, extra: {} });
  const rowCount = async () =>
    Number(
      (
        await queryRows<{ n: number | string }>(
          clickhouse,
          'SELECT count() AS n FROM events WHERE site_id = {site:String}',
          { site },
        )
      )[0]!.n,
    );

  it('sends a poison event to the DLQ alone while the rest of its record loads, an unreadable record whole', async () => {
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: env.KAFKA_TOPIC_RAW!,
      messages: [
        // One request's record: two good events around one whose event_id is not a UUID.
        // One partition, so the two records have offsets 0 and 1 (with no key they would be spread).
        {
          partition: 0,
          value: encodeV2Record(facts(), [good(ids[0]!), { ...good(ids[1]!), event_id: 'nope' }, good(ids[1]!)]),
        },
        { partition: 0, value: '{not json' },
      ],
    });
    await producer.disconnect();

    await sleepUntil('good rows loaded', async () => (await rowCount()) === 2);
    const letters: DeadLetterRecord[] = [];
    await sleepUntil('two dead letters', async () => {
      letters.length = 0;
      await readDeadLetters(kafka, env.KAFKA_TOPIC_DLQ!, { visit: (r) => void letters.push(r) });
      return letters.length === 2;
    });
    letters.sort((a, b) => Number(a.sourceOffset) - Number(b.sourceOffset));
    expect(letters.map((l) => l.reason)).toEqual([
      { code: 'invalid_message', detail: 'event.event_id is not a UUID' },
      { code: 'invalid_json', detail: expect.any(String) },
    ]);
    // The poison event's dead letter is a record of its own holding only that event.
    const poison = parseRawRecord(letters[0]!.value);
    if (!poison.ok) throw new Error(poison.reason.detail);
    const [request] = poison.record.requests;
    expect(poison.record.requests).toHaveLength(1);
    expect(request!.events).toEqual([]);
    expect(request!.invalid.map((i) => i.raw)).toEqual([{ ...good(ids[1]!), event_id: 'nope' }]);
    expect(request!.facts).toMatchObject({ site_id: site, request_id: 'dlq-test' });
    expect(letters[0]!).toMatchObject({ sourceTopic: env.KAFKA_TOPIC_RAW, sourceOffset: '0' });
    expect(letters[1]!.value?.toString()).toBe('{not json');
    expect(letters[1]!).toMatchObject({ sourceTopic: env.KAFKA_TOPIC_RAW, sourceOffset: '1' });
    // The metric is labelled with the code alone: bounded, whatever the detail says.
    const metrics = await (await fetch(`${consumer.url}/metrics`)).text();
    expect(metrics).toContain('clickstream_consumer_dlq_total{reason="invalid_json"} 1');
    expect(metrics).toContain('clickstream_consumer_dlq_total{reason="invalid_message"} 1');

    const list = await run(process.execPath, ['bin/clickstream.js', 'dlq', 'list'], {
      env: { ...process.env, ...env },
    });
    expect(list.stdout.trim().split('\n')).toHaveLength(2);
    expect(list.stdout).toContain('invalid_json');

    // Replay re-publishes them; still bad, they come back to the DLQ (now 4), each as it was:
    // the poison event alone again, nothing else of its record loaded twice.
    const replay = await run(process.execPath, ['bin/clickstream.js', 'dlq', 'replay'], {
      env: { ...process.env, ...env },
    });
    expect(replay.stderr).toContain('replayed 2');
    const all: DeadLetterRecord[] = [];
    await sleepUntil('replayed letters back in the DLQ', async () => {
      all.length = 0;
      await readDeadLetters(kafka, env.KAFKA_TOPIC_DLQ!, { visit: (r) => void all.push(r) });
      return all.length === 4;
    });
    expect(all.filter((l) => l.reason.code === 'invalid_message').map((l) => l.value?.toString())).toEqual([
      letters[0]!.value?.toString(),
      letters[0]!.value?.toString(),
    ]);
    expect(await rowCount()).toBe(2);
  });

  it("loads a v1 record written before the upgrade, hashing its IP with the day's salt", async () => {
    // What the API wrote before records carried the visitor hash: one event, the IP in the clear.
    const receivedAt = new Date().toISOString();
    const ua = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';
    const id = crypto.randomUUID();
    const v1 = encodeV1Record({
      site_id: site,
      event: { ...good(id), session_id: 'v1-session', user_agent: ua },
      received_at: receivedAt,
      sent_at: null,
      ip: '198.51.100.1',
      request_ua: ua,
      request_id: 'v1-record',
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: env.KAFKA_TOPIC_RAW!, messages: [v1] });
    await producer.disconnect();

    const [row] = await sleepUntil('the v1 event loaded', async () => {
      const rows = await queryRows<{ session_id: string; visitor_id: string; browser: string }>(
        clickhouse,
        'SELECT session_id, visitor_id, browser FROM events WHERE event_id = {id:UUID}',
        { id },
      );
      return rows.length === 1 ? rows : undefined;
    });
    const day = saltDayOf(Date.parse(receivedAt), undefined);
    const salt = await withPgClient(async (pg) => {
      const { rows } = await pg.query<{ salt: Buffer }>('SELECT salt FROM clickstream.visitor_salts WHERE day = $1', [
        day,
      ]);
      return rows[0]!.salt.toString('hex');
    });
    expect(row).toEqual({
      session_id: 'v1-session',
      visitor_id: visitorId({ salt, siteId: site, ip: '198.51.100.1', userAgent: ua }),
      browser: 'Firefox',
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
