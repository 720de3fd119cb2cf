/**
 * Our consumer at full speed: a second instance, in a consumer group of its own, reads
 * the whole topic from the start into an identical `events` table in another database.
 * During the load phase the consumer only ever runs as fast as the API feeds it; this is
 * its own ceiling, measured the same way as the Kafka-engine peer on the same messages.
 */
import type { Kafka } from 'kafkajs';
import { startConsumer } from '../consumer/role.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { parseConfig } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';
import { findFreePort } from '../local/process-control.js';
import type { Endpoints } from '../lib/endpoints.js';
import { type CatchUpResult, waitCaughtUp, withRows } from './ceiling-kafka-engine.js';
import { countRows, groupLag } from './pipeline-sampler.js';

export const REPLAY_DATABASE = 'bench_replay';
export const REPLAY_GROUP = 'bench-replay';

export async function measureReplay(
  clickhouse: ClickHouseClient,
  kafka: Kafka,
  options: { env: Record<string, string>; endpoints: Endpoints; topic: string; timeoutMs: number },
): Promise<CatchUpResult> {
  await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${REPLAY_DATABASE}` });
  await clickhouse.command({ query: `CREATE DATABASE ${REPLAY_DATABASE}` });
  await clickhouse.command({ query: `CREATE TABLE ${REPLAY_DATABASE}.events AS events` });
  const config = parseConfig({
    ...options.env,
    CLICKHOUSE_DATABASE: REPLAY_DATABASE,
    // the writer's grants cover the clickstream database only
    CLICKHOUSE_USER: parseConfig(options.env).clickhouse.admin.user,
    CLICKHOUSE_PASSWORD: parseConfig(options.env).clickhouse.admin.password,
    KAFKA_CONSUMER_GROUP: REPLAY_GROUP,
    CONSUMER_PORT: String(await findFreePort()),
  });
  const { end: messages } = await groupLag(kafka, options.topic, REPLAY_GROUP);
  const started = performance.now();
  const consumer = await startConsumer({
    config,
    endpoints: options.endpoints,
    logger: createLogger('warn', 'bench-replay'),
  });
  try {
    const result = await waitCaughtUp(kafka, options.topic, REPLAY_GROUP, messages, started, options.timeoutMs);
    return withRows(result, await countRows(clickhouse, `${REPLAY_DATABASE}.events`));
  } finally {
    await consumer.stop();
    await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${REPLAY_DATABASE}` }).catch(() => {});
  }
}
