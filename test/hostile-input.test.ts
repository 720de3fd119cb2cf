/**
 * Hostile strings and values through the real API, Kafka, consumer and ClickHouse: each
 * hostile event is followed by a canary on the same single-partition topic, so an event
 * that wedged the consumer (an insert retried forever) would keep every later canary out
 * of ClickHouse. Every hostile event must be rejected with a reason, stored, or dead-
 * lettered with a reason — and every canary must arrive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { type RunningApi, startApi } from '../api/role.js';
import { type RunningConsumer, startConsumer } from '../consumer/role.js';
import { readDeadLetters } from '../consumer/dead-letter-reader.js';
import { createKafka } from '../lib/kafka.js';
import { createLogger } from '../lib/logger.js';
import { createSiteStore } from '../lib/sites.js';
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

/** The stored row's columns a case looks at. */
interface StoredRow {
  event_id: string;
  session_id: string;
  url: string;
  element_id: string;
  event_title: string;
  x: number | null;
  properties: Record<string, string>;
}

interface HostileCase {
  name: string;
  eventId: string;
  /** The request body, as raw JSON text (so escapes such as \ud800 reach the server as sent). */
  body: string | Buffer;
  contentType?: string;
  /** `rejected`: a 4xx or a rejected entry, with its reason; otherwise what must be stored. */
  expect: 'rejected' | Partial<StoredRow>;
}

const id = () => crypto.randomUUID();
const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const FFFD = '\ufffd';

/** Each case is one request with one event (event_id known, so its fate can be checked). */
function hostileCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (name: string, fields: string, expect: HostileCase['expect']) => {
    const eventId = id();
    cases.push({ name, eventId, expect, body: `[{"type":"custom_hostile","event_id":"${eventId}",${fields}}]` });
  };
  // Lone surrogates: repaired to U+FFFD wherever they are, the rest of the text kept.
  add('lone high surrogate in session_id', '"session_id":"\\ud800"', { session_id: FFFD });
  add('lone low surrogate in url', '"url":"/p/\\udc00x"', { url: '/p/%EF%BF%BDx' });
  add('reversed surrogate pair in a payload value', '"payload":{"note":"\\udc00\\ud800"}', {
    properties: { note: FFFD + FFFD },
  });
  add('lone surrogate in a payload key', '"payload":{"k\\ud83d":"v"}', { properties: { [`k${FFFD}`]: 'v' } });
  add('lone surrogate in an unknown top-level field', '"extra_field":"\\udbff"', {
    properties: { extra_field: FFFD },
  });
  add('lone surrogates in event_title and element_id', '"payload":{"event_title":"\\ud800","element_id":"\\udfff"}', {
    event_title: FFFD,
    element_id: FFFD,
  });
  // Stored as sent.
  add('NUL in strings and keys', '"session_id":"a\\u0000b","payload":{"note":"x\\u0000y","k\\u0000":"v"}', {
    session_id: 'a\0b',
    properties: { note: 'x\0y', 'k\0': 'v' },
  });
  add('control characters and an RTL override', '"payload":{"ctl":"\\u0001\\u001f\\u007f\\u202e"}', {
    properties: { ctl: '\u0001\u001f\u007f\u202e' },
  });
  add('-0 as x and in payload', '"payload":{"x":-0,"zero":-0}', { x: 0, properties: { zero: '0' } });
  add(
    '__proto__, constructor and prototype keys in payload',
    '"payload":{"__proto__":{"polluted":"yes"},"constructor":"c","prototype":"p"}',
    { properties: { __proto__: '{"polluted":"yes"}', constructor: 'c', prototype: 'p' } },
  );
  add('__proto__ as an unknown top-level field', '"__proto__":{"polluted":"yes"}', {
    properties: { __proto__: '{"polluted":"yes"}' },
  });
  // Refused with the field named.
  add('64 KB string in a payload value', `"payload":{"big":"${'x'.repeat(65_536)}"}`, 'rejected');
  add('64 KB session_id', `"session_id":"${'s'.repeat(65_536)}"`, 'rejected');
  add('1e400 in payload', '"payload":{"price":1e400}', 'rejected');
  add('-1e400 in an unknown field', '"weight":-1e400', 'rejected');
  add('1e400 as x', '"payload":{"x":1e400}', 'rejected');
  add('x and y beyond Int32', '"payload":{"x":1e12,"y":-1e12}', 'rejected');
  add('integer user_id beyond 2^53', '"user_id":123456789012345678901234567890', 'rejected');
  add('deeply nested payload', `"payload":{"n":${deep(200)}}`, 'rejected');
  const eventId = id();
  cases.push({
    name: 'invalid UTF-8 bytes in a text/plain body',
    eventId,
    contentType: 'text/plain',
    expect: 'rejected',
    body: Buffer.concat([
      Buffer.from(`[{"type":"custom_hostile","event_id":"${eventId}","session_id":"`),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"}]'),
    ]),
  });
  return cases;
}

describe('hostile input never wedges the pipeline', () => {
  const site = uniqueName('hostile').replace(/_/g, '-');
  let key = '';
  let api: RunningApi;
  let consumer: RunningConsumer;
  let env: Record<string, string>;
  let url = '';
  const clickhouse = testClickHouse();

  beforeAll(async () => {
    // One partition: every canary queues behind every hostile event before it.
    env = await isolatedPipelineEnv({
      CONSUMER_FLUSH_MS: '100',
      KAFKA_TOPIC_PARTITIONS: '1',
    });
    const config = testConfig(env);
    key = (await withPgClient((c) => createSiteStore(c).add(site, ['https://shop.example']))).key;
    const logger = createLogger('silent', 'test');
    const endpoints = testEndpoints();
    api = await startApi({ config, logger, endpoints });
    consumer = await startConsumer({ config, logger, endpoints });
    url = `http://127.0.0.1:${config.api.port}/events`;
  });

  afterAll(async () => {
    await api?.stop();
    await consumer?.stop();
    await clickhouse.close();
  });

  const post = (body: string | Buffer, contentType = 'application/json') =>
    fetch(url, { method: 'POST', headers: { 'Content-Type': contentType, 'X-Write-Key': key }, body });

  it('answers each hostile event with a reason or stores it as expected, and every canary arrives', async () => {
    const cases = hostileCases();
    const canaries: string[] = [];
    for (const c of cases) {
      const res = await post(c.body, c.contentType);
      const answer = (await res.json()) as { accepted?: number; rejected?: unknown[]; message?: string };
      const said = `${c.name}: ${res.status} ${JSON.stringify(answer).slice(0, 300)}`;
      expect(res.status, said).toBeLessThan(500);
      if (c.expect === 'rejected') {
        expect(res.status === 202 ? answer.accepted : 0, said).toBe(0);
        expect(JSON.stringify(answer.rejected ?? answer.message ?? '').length, `${said}: no reason`).toBeGreaterThan(2);
      } else {
        expect([res.status, answer.accepted], said).toEqual([202, 1]);
      }
      const canary = id();
      canaries.push(canary);
      expect((await post(`[{"type":"canary","event_id":"${canary}","session_id":"canary"}]`)).status).toBe(202);
    }

    // Every canary becomes visible: nothing before it blocked the partition.
    await sleepUntil(
      'every canary in ClickHouse',
      async () => {
        const [row] = await queryRows<{ n: string }>(
          clickhouse,
          'SELECT uniqExact(event_id) AS n FROM events WHERE site_id = {site:String} AND type = {type:String}',
          { site, type: 'canary' },
        );
        return Number(row?.n) === canaries.length;
      },
      30_000,
    );

    const rows = await queryRows<StoredRow>(
      clickhouse,
      `SELECT toString(event_id) AS event_id, session_id, url, element_id, event_title, x, properties
       FROM events FINAL WHERE site_id = {site:String} AND type = {type:String}`,
      { site, type: 'custom_hostile' },
    );
    const stored = new Map(rows.map((r) => [r.event_id, r]));
    for (const c of cases) {
      if (c.expect === 'rejected') expect(stored.has(c.eventId), `${c.name}: rejected but stored`).toBe(false);
      else expect(stored.get(c.eventId), c.name).toMatchObject(c.expect);
    }
    // Nothing in the API or consumer (both in this process) polluted Object.prototype.
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    // Nothing needed the dead-letter topic: every accepted event was storable.
    const kafka = createKafka({ brokers: inject('kafkaBrokers'), clientId: 'test' });
    expect(await readDeadLetters(kafka, env.KAFKA_TOPIC_DLQ!, { visit: () => {} })).toBe(0);
  });
});
