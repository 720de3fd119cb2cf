/**
 * The consumer role: Kafka events.raw → normalize/enrich → ClickHouse clickstream.events,
 * with a small HTTP server for /healthz and /metrics. `clickstream consumer` runs one;
 * run up to as many as events.raw has partitions.
 */
import { Partitioners } from 'kafkajs';
import { clickhouseTarget, createClickHouse } from '../lib/clickhouse.js';
import { createKafka } from '../lib/kafka.js';
import { createPgPool } from '../lib/postgres.js';
import { type RoleDeps, startOpsServer } from '../lib/role-server.js';
import { createConsumerLoop } from './consumer-loop.js';
import { createPageCache } from './enrich/page-cache.js';
import { createUserAgentParser } from './enrich/user-agent.js';
import { createFlushLoader } from './load-flush.js';
import { createFlushBuffer } from './flush-buffer.js';
import { createConsumerMetrics } from './metrics.js';
import type { MessageOutcome } from './outcome.js';
import { createRecordOutcomes } from './record-outcomes.js';
import { createLocalDayCache } from '../lib/time-zones.js';
import { createVisitorSalts } from '../lib/visitor-salts.js';

export interface RunningConsumer {
  url: string;
  stop(): Promise<void>;
}

/** Starts the consumer role; resolves once it has joined the group and serves /healthz. */
export async function startConsumer({ config, endpoints, logger }: RoleDeps): Promise<RunningConsumer> {
  const metrics = createConsumerMetrics();
  const clickhouse = createClickHouse(clickhouseTarget(config, endpoints));
  const kafka = createKafka({ brokers: endpoints.kafkaBrokers, clientId: `${config.kafka.clientId}-consumer`, logger });
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  const pool = createPgPool(
    endpoints.databaseUrl,
    (error) => logger.warn({ err: error }, 'postgres_idle_client_error'),
    2,
  );
  const visitorSalts = createVisitorSalts(pool);
  const userAgents = createUserAgentParser({ cacheSize: config.consumer.uaCacheSize });
  const shutdown = new AbortController();

  const loadFlush = createFlushLoader({
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
    flush: loadFlush,
  });

  const pages = createPageCache();
  const recordOutcomes = createRecordOutcomes({
    userAgents,
    pages,
    maxEventAgeMs: config.consumer.maxEventAgeMs,
    localDay: createLocalDayCache(),
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

  const server = await startOpsServer(
    { role: 'consumer', host: config.consumer.host, port: config.consumer.port, portVariable: 'CONSUMER_PORT' },
    {
      isHealthy: () => loop.isHealthy(),
      registry: metrics.registry,
      beforeScrape: () => {
        const { hits, misses } = userAgents.stats();
        metrics.uaCacheHitRatio.set(hits + misses === 0 ? 0 : hits / (hits + misses));
      },
    },
  );

  await producer.connect();
  await loop.start();
  const { url } = server;
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
      await server.close();
      await Promise.all([clickhouse.close(), pool.end()]);
      logger.info(userAgents.stats(), 'consumer_stopped');
    },
  };
}
