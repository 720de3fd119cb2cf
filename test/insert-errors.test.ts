/**
 * The loader against a real ClickHouse: a batch ClickHouse refuses for an error the
 * classification knows as content is split at once; one it refuses for an error of unknown
 * kind is retried a few times and then split; either way exactly the offending rows go to
 * the dead-letter topic (with the error) and the rest load — nothing retries forever.
 */
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { readDeadLetters, type DeadLetterRecord } from '../consumer/dead-letter-reader.js';
import { createUserAgentParser } from '../consumer/enrich/user-agent.js';
import { insertRows } from '../consumer/insert-rows.js';
import { createFlushLoader } from '../consumer/load-flush.js';
import { createConsumerMetrics } from '../consumer/metrics.js';
import type { MessageOutcome } from '../consumer/outcome.js';
import { parseRawMessage, toOutcome } from '../consumer/to-outcome.js';
import { createKafka } from '../lib/kafka.js';
import { createLogger } from '../lib/logger.js';
import { isolatedPipelineEnv, queryRows, testClickHouse, uniqueName } from './helpers.js';

const clickhouse = testClickHouse();
const kafka = createKafka({ brokers: inject('kafkaBrokers'), clientId: 'insert-errors-test' });
const userAgents = createUserAgentParser({ cacheSize: 10 });

/** An outcome as the consumer makes it from a v1 record. */
function outcome(sessionId: string, offset: number): MessageOutcome {
  const value = Buffer.from(
    JSON.stringify({
      v: 1,
      site_id: 'insert-errors',
      event: { event_id: crypto.randomUUID(), type: 'pageview', session_id: sessionId, payload: {}, extra: {} },
      received_at: new Date().toISOString(),
      sent_at: null,
      ip: '198.51.100.7',
      request_ua: null,
      request_id: 'insert-errors-test',
    }),
  );
  const parsed = parseRawMessage(value);
  if (!parsed.ok) throw new Error(parsed.reason.detail);
  return toOutcome(
    parsed.message,
    { partition: 0, offset: String(offset), key: null, value },
    { userAgents, maxEventAgeMs: 86_400_000 },
    'salt',
  );
}

describe('insert errors', () => {
  let table = '';
  let dlqTopic = '';
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

  beforeAll(async () => {
    // A copy of `events` that refuses one session id with a CHECK constraint: ClickHouse
    // answers VIOLATED_CONSTRAINT (469), a code the classification does not list.
    table = uniqueName('events_strict');
    await clickhouse.command({ query: `CREATE TABLE ${table} AS events` });
    await clickhouse.command({ query: `ALTER TABLE ${table} ADD CONSTRAINT no_poison CHECK session_id != 'poison'` });
    dlqTopic = (await isolatedPipelineEnv()).KAFKA_TOPIC_DLQ;
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await clickhouse.command({ query: `DROP TABLE IF EXISTS ${table}` });
    await clickhouse.close();
  });

  it('splits a batch with a row ClickHouse cannot parse (a lone surrogate) and loads the rest', async () => {
    const rows = ['a', 'b\ud800', 'c'].map((s, i) => outcome(s, i)).map((o) => (o.kind === 'row' ? o.row : null)!);
    // The row went through the consumer's own path unrepaired (built after parsing), as a
    // record from a producer that never repaired it would be if the consumer did not either.
    rows[1]!.session_id = 'b\ud800';
    const result = await insertRows(
      clickhouse,
      table,
      ['event_id', 'site_id', 'type', 'session_id', 'ts', 'received_at'],
      rows,
      uniqueName('t'),
    );
    expect(result.inserted).toBe(2);
    expect(result.rejected.map((r) => r.row.session_id)).toEqual(['b\ud800']);
    expect(result.rejected[0]!.reason).toMatchObject({
      code: 'clickhouse_rejected',
      detail: expect.stringMatching(/^ClickHouse error 25: /), // CANNOT_PARSE_ESCAPE_SEQUENCE
    });
  });

  it('throws an error of unknown kind unless asked to split', async () => {
    const rows = [outcome('poison', 0)].map((o) => (o.kind === 'row' ? o.row : null)!);
    await expect(
      insertRows(clickhouse, table, ['event_id', 'session_id', 'ts'], rows, uniqueName('t')),
    ).rejects.toMatchObject({ code: '469' });
    const split = await insertRows(clickhouse, table, ['event_id', 'session_id', 'ts'], rows, uniqueName('t'), {
      bisectUnknown: true,
    });
    expect(split.rejected).toHaveLength(1);
  });

  it('retries an unknown error a bounded number of times, then dead-letters exactly the offending rows', async () => {
    const metrics = createConsumerMetrics();
    const loadFlush = createFlushLoader({
      clickhouse,
      producer,
      table,
      sourceTopic: 'events.raw',
      dlqTopic,
      metrics,
      logger: createLogger('silent', 'test'),
      signal: new AbortController().signal,
      unknownErrorTries: 2,
    });
    const batch = ['ok-1', 'poison', 'ok-2', 'ok-3', 'poison'].map((s, i) => outcome(s, 100 + i));
    const started = Date.now();
    await loadFlush(batch);
    expect(Date.now() - started).toBeLessThan(20_000); // two backoffs of at most ~1 s, not forever

    const stored = await queryRows<{ session_id: string }>(
      clickhouse,
      `SELECT session_id FROM ${table} WHERE session_id LIKE 'ok-%' ORDER BY session_id`,
    );
    expect(stored.map((r) => r.session_id)).toEqual(['ok-1', 'ok-2', 'ok-3']);
    const letters: Array<{ reason: DeadLetterRecord['reason']; offset: string }> = [];
    await readDeadLetters(kafka, dlqTopic, {
      visit: (l) => void letters.push({ reason: l.reason, offset: l.sourceOffset }),
    });
    expect(letters.map((l) => l.offset).sort()).toEqual(['101', '104']);
    for (const l of letters) {
      expect(l.reason).toMatchObject({
        code: 'clickhouse_rejected',
        detail: expect.stringMatching(/^ClickHouse error 469: /),
      });
    }
    const failures = await metrics.insertFailures.get();
    expect(failures.values.find((v) => v.labels.kind === 'unknown')?.value).toBe(2);
  });
});
