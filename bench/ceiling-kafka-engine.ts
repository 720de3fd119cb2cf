/**
 * Ceiling (b): what a user could run instead of our consumer — ClickHouse's own Kafka
 * table engine plus a materialized view — consuming the same topic (from the start, in a
 * consumer group of its own) into an identical table. Measured like our consumer's
 * replay (replay-consumer.ts): time until the group has committed the whole topic.
 *
 * It reads the records the API writes (v2: requests, each with its events, expanded with
 * ARRAY JOIN) and does per event the enrichment SQL can do cheaply: JSON field extraction,
 * URL parts, UTM tags, referrer domain, a bot regex, skew-corrected time; the visitor id is
 * read from the record, as our consumer does (the API hashed it). It does NOT parse user
 * agents into browser/OS/device or classify channels: the peer does less work than we do.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { countRows, groupLag } from './pipeline-sampler.js';

export const KAFKA_CEILING_GROUP = 'bench-kafka-engine';
const QUEUE = 'bench_ceiling_kafka_queue';
const TARGET = 'bench_ceiling_kafka_events';
const VIEW = 'bench_ceiling_kafka_mv';

export interface CatchUpResult {
  /** Records consumed. */
  messages: number;
  /** Rows (events) the reader wrote: what rowsPerS counts. */
  rows: number;
  seconds: number;
  rowsPerS: number;
  /** False when the deadline passed before the group caught up (rowsPerS is then partial). */
  completed: boolean;
}

const R = (field: string) => `JSONExtractString(req, '${field}')`;
const EVENT = (field: string) => `JSONExtractString(ev, '${field}')`;
const PAYLOAD = (field: string) => `JSONExtractString(ev, 'payload', '${field}')`;

const RECEIVED = `parseDateTime64BestEffortOrNull(${R('received_at')}, 3, 'UTC')`;
const UA = `if(JSONHas(ev, 'user_agent'), ${EVENT('user_agent')}, ${R('request_ua')})`;

const VIEW_SELECT = `
SELECT
  toUUID(${EVENT('event_id')}) AS event_id,
  ${R('site_id')} AS site_id,
  ${EVENT('type')} AS type,
  ${EVENT('session_id')} AS session_id,
  ${EVENT('user_id')} AS user_id,
  ${EVENT('anonymous_id')} AS anonymous_id,
  multiIf(user_id != '', concat('u:', user_id), JSONHas(ev, 'visitor_hash'), ${EVENT('visitor_hash')}, ${R('visitor_hash')}) AS visitor_id,
  ifNull(parseDateTime64BestEffortOrNull(${EVENT('created_at')}, 3, 'UTC') + toIntervalMillisecond(
    ifNull(dateDiff('millisecond', parseDateTime64BestEffortOrNull(${R('sent_at')}, 3, 'UTC'), ${RECEIVED}), 0)), ${RECEIVED}) AS ts,
  ${RECEIVED} AS received_at,
  ${EVENT('url')} AS url,
  domain(url) AS host,
  path(url) AS path,
  queryString(url) AS query,
  ${EVENT('referrer')} AS referrer,
  domain(referrer) AS referrer_domain,
  extractURLParameter(url, 'utm_source') AS utm_source,
  extractURLParameter(url, 'utm_medium') AS utm_medium,
  extractURLParameter(url, 'utm_campaign') AS utm_campaign,
  extractURLParameter(url, 'utm_term') AS utm_term,
  extractURLParameter(url, 'utm_content') AS utm_content,
  ${PAYLOAD('element_id')} AS element_id,
  ${PAYLOAD('event_title')} AS event_title,
  JSONExtract(ev, 'payload', 'x', 'Nullable(Int32)') AS x,
  JSONExtract(ev, 'payload', 'y', 'Nullable(Int32)') AS y,
  match(${UA}, '(?i)bot|crawl|spider|headless') AS is_bot,
  _partition AS kafka_partition,
  _offset AS kafka_offset
FROM ${QUEUE}
ARRAY JOIN JSONExtractArrayRaw(raw, 'requests') AS req
ARRAY JOIN JSONExtractArrayRaw(req, 'events') AS ev`;

/** Creates queue + target + view, waits for the group to catch up, then drops them. */
export async function measureKafkaEngine(
  clickhouse: ClickHouseClient,
  kafka: Kafka,
  options: { brokers: readonly string[]; topic: string; consumers: number; flushMs: number; timeoutMs: number },
): Promise<CatchUpResult> {
  const drop = async () => {
    for (const t of [VIEW, QUEUE, TARGET]) await clickhouse.command({ query: `DROP TABLE IF EXISTS ${t}` });
  };
  await drop();
  const { end: messages } = await groupLag(kafka, options.topic, KAFKA_CEILING_GROUP);
  try {
    await clickhouse.command({ query: `CREATE TABLE ${TARGET} AS events` });
    await clickhouse.command({
      query: `CREATE TABLE ${QUEUE} (raw String) ENGINE = Kafka SETTINGS
        kafka_broker_list = {brokers:String}, kafka_topic_list = {topic:String}, kafka_group_name = {group:String},
        kafka_format = 'JSONAsString', kafka_num_consumers = {consumers:UInt32}, kafka_thread_per_consumer = 1,
        kafka_max_block_size = 65536, kafka_flush_interval_ms = {flush_ms:UInt64}`,
      query_params: {
        brokers: options.brokers.join(','),
        topic: options.topic,
        group: KAFKA_CEILING_GROUP,
        consumers: options.consumers,
        flush_ms: options.flushMs,
      },
    });
    const started = performance.now();
    // The view starts the engine's background consumption.
    await clickhouse.command({ query: `CREATE MATERIALIZED VIEW ${VIEW} TO ${TARGET} AS ${VIEW_SELECT}` });
    const result = await waitCaughtUp(kafka, options.topic, KAFKA_CEILING_GROUP, messages, started, options.timeoutMs);
    return withRows(result, await countRows(clickhouse, TARGET));
  } finally {
    await drop().catch(() => {});
  }
}

/** The result with the rows the reader wrote, and its rate in rows (not records) per second. */
export function withRows(result: Omit<CatchUpResult, 'rows' | 'rowsPerS'>, rows: number): CatchUpResult {
  return { ...result, rows, rowsPerS: rows / result.seconds };
}

/** Polls the group's lag until 0 or the deadline. */
export async function waitCaughtUp(
  kafka: Kafka,
  topic: string,
  groupId: string,
  messages: number,
  started: number,
  timeoutMs: number,
): Promise<Omit<CatchUpResult, 'rows' | 'rowsPerS'>> {
  let lag = messages;
  while (performance.now() - started < timeoutMs) {
    lag = (await groupLag(kafka, topic, groupId)).lag;
    if (lag === 0) break;
    await sleep(100);
  }
  const seconds = (performance.now() - started) / 1000;
  const done = messages - lag;
  return { messages: done, seconds, completed: lag === 0 };
}
