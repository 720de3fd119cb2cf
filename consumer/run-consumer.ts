/**
 * The consumer role: Kafka events.raw → normalize/enrich → ClickHouse clickstream.events,
 * with a small HTTP server for /healthz and /metrics. `clickstream consumer` runs one;
 * run up to as many as events.raw has partitions.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Partitioners } from 'kafkajs';
import type { Config } from '../lib/config.js';
import { createClickHouse } from '../lib/clickhouse.js';
import { createKafka } from '../lib/kafka.js';
import type { Logger } from '../lib/logger.js';
import { createPgPool } from '../lib/postgres.js';
import { createConsumerLoop } from './consumer-loop.js';
import { createPageCache } from './enrich/page-cache.js';
import { createUserAgentParser } from './enrich/user-agent.js';
import { createBatchLoader } from './load-batch.js';
import { createFlushBuffer } from './flush-buffer.js';
import { createConsumerMetrics } from './metrics.js';
import type { MessageOutcome } from './outcome.js';
import { createRecordOutcomes } from './record-outcomes.js';
import { createVisitorSalts } from '../lib/visitor-salts.js';

export interface ConsumerDeps {
  config: Config;
  clickhouseUrl: string;
  databaseUrl: string;
  kafkaBrokers: string[];
  logger: Logger;
}

export interface RunningConsumer {
  url: string;
  stop(): Promise<void>;
}

export async function startConsumer(deps: ConsumerDeps): Promise<RunningConsumer> {
  const { config, logger } = deps;
  const metrics = createConsumerMetrics();
  const clickhouse = createClickHouse({
    url: deps.clickhouseUrl,
    user: config.clickhouse.user,
    password: config.clickhouse.password,
    database: config.clickhouse.database,
  });
  const kafka = createKafka({ brokers: deps.kafkaBrokers, clientId: `${config.kafka.clientId}-consumer`, logger });
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  const pool = createPgPool(deps.databaseUrl, (error) => logger.warn({ err: error }, 'postgres_idle_client_error'), 2);
  const visitorSalts = createVisitorSalts(pool);
  const userAgents = createUserAgentParser({ cacheSize: config.consumer.uaCacheSize });
  const shutdown = new AbortController();

  const loadBatch = createBatchLoader({
    clickhouse,
    producer,
    table: 'events',
    sourceTopic: config.kafka.topicRaw,
    dlqTopic: config.kafka.topicDlq,
    metrics,
    logger,
    signal: shutdown.signal,
  });
  const buffer = createFlushBuffer<MessageOutcome>({
    flushRows: config.consumer.flushRows,
    flushMs: config.consumer.flushMs,
    flushBytes: config.consumer.flushBytes,
    flush: loadBatch,
  });

  const pages = createPageCache();
  const recordOutcomes = createRecordOutcomes({
    userAgents,
    pages,
    maxEventAgeMs: config.consumer.maxEventAgeMs,
    salts: visitorSalts,
  });

  const loop = createConsumerLoop({
    kafka,
    topic: config.kafka.topicRaw,
    groupId: config.kafka.consumerGroup,
    partitionsConsumedConcurrently: config.kafka.topicPartitions,
    sessionTimeoutMs: config.consumer.sessionTimeoutMs,
    // Two flushes' worth: one loading, one filling.
    maxPendingRows: 2 * config.consumer.flushRows,
    buffer,
    toOutcomes: (batch) => recordOutcomes(batch.partition, batch.messages),
    metrics,
    logger,
  });

  const app = new Hono();
  app.get('/healthz', (c) => (loop.isHealthy() ? c.json({ status: 'ok' }) : c.json({ status: 'unhealthy' }, 503)));
  app.get('/metrics', async (c) => {
    const { hits, misses } = userAgents.stats();
    metrics.uaCacheHitRatio.set(hits + misses === 0 ? 0 : hits / (hits + misses));
    return c.text(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType });
  });
  const server = serve({ fetch: app.fetch, hostname: config.consumer.host, port: config.consumer.port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `consumer: cannot listen on ${config.consumer.host}:${config.consumer.port} (${error.code}); set CONSUMER_PORT`,
        ),
      ),
    );
  });

  await producer.connect();
  await loop.start();
  const url = `http://${config.consumer.host}:${config.consumer.port}`;
  logger.info({ url, topic: config.kafka.topicRaw, group: config.kafka.consumerGroup }, 'consumer_started');

  return {
    url,
    async stop() {
      logger.info('consumer_stopping');
      // Drain: load what is buffered and commit it, then leave the group. If ClickHouse is
      // down the load cannot finish: give up after a while, committing nothing (Kafka
      // still has those messages for the next consumer).
      const drained = loop.stop();
      const timer = setTimeout(() => shutdown.abort(new Error('shutdown: load abandoned')), 15_000);
      await drained.catch((error) => logger.warn({ err: error }, 'consumer_stop_error'));
      clearTimeout(timer);
      shutdown.abort();
      await producer.disconnect().catch(() => {});
      await new Promise((r) => server.close(r));
      await Promise.all([clickhouse.close(), pool.end()]);
      logger.info(userAgents.stats(), 'consumer_stopped');
    },
  };
}
