/**
 * The consumer role: Kafka events.raw → normalize/enrich → ClickHouse clickstream.events,
 * with a small HTTP server for /healthz and /metrics. `clickstream consumer` runs one;
 * run up to as many as events.raw has partitions.
 */
import { type EachBatchPayload, Partitioners } from 'kafkajs';
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
import { createConsumerReadiness } from './readiness.js';
import { loadSalts } from './salt-wait.js';
import { createVisitorSalts, type VisitorSalts } from '../lib/visitor-salts.js';

export interface RunningConsumer {
  url: string;
  stop(): Promise<void>;
}

/** Starts the consumer role; resolves once it has joined the group and serves /healthz. */
export async function startConsumer({ config, endpoints, logger }: RoleDeps): Promise<RunningConsumer> {
  const metrics = createConsumerMetrics();
  const clickhouse = createClickHouse(clickhouseTarget(config, endpoints));
  const kafka = createKafka({
    brokers: endpoints.kafkaBrokers,
    clientId: `${config.kafka.clientId}-consumer`,
    logger,
    // ~60 s of attempts: a broker restart shorter than that is waited out by the same group
    // member, which then rejoins at once. Given up sooner, kafkajs restarts the consumer as
    // a new member, and the group waits a session timeout for the old one first.
    connectRetries: 30,
  });
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
  const readiness = createConsumerReadiness();

  const loadFlush = createFlushLoader({
    clickhouse,
    producer,
    table: 'events',
    sourceTopic: config.kafka.topicRaw,
    dlqTopic: config.kafka.topicDlq,
    metrics,
    logger,
    signal: shutdown.signal,
    readiness,
  });
  const buffer = createFlushBuffer<MessageOutcome>({
    flushRows: config.consumer.flushRows,
    flushMs: config.consumer.flushMs,
    flushBytes: config.consumer.flushBytes,
    flush: loadFlush,
  });

  const pages = createPageCache();
  const outcomeDeps = {
    userAgents,
    pages,
    maxEventAgeMs: config.consumer.maxEventAgeMs,
    localDay: createLocalDayCache(),
  };
  // v1 records need the day's salt (v2 ones carry the hash); while Postgres is away, the
  // batch waits for it (salt-wait.ts), heartbeating, and /readyz says so.
  const patientSalts = (heartbeat: () => Promise<void>, partition: number): VisitorSalts => ({
    forDay: async (day) =>
      (
        await loadSalts([day], {
          salts: visitorSalts,
          heartbeat,
          signal: shutdown.signal,
          onWaiting: (error, attempt) => {
            readiness.saltWaiting(error);
            if (error === undefined) logger.info({ partition }, 'visitor_salt_loaded_after_wait');
            else if (attempt === 1 || attempt % 30 === 0)
              logger.warn({ err: error, attempt, partition }, 'visitor_salt_unavailable_waiting');
          },
        })
      ).get(day)!,
  });
  const toOutcomes = (batch: EachBatchPayload['batch'], heartbeat: () => Promise<void>) =>
    createRecordOutcomes({ ...outcomeDeps, salts: patientSalts(heartbeat, batch.partition) })(
      batch.partition,
      batch.messages,
    );

  const loop = createConsumerLoop({
    kafka,
    topic: config.kafka.topicRaw,
    groupId: config.kafka.consumerGroup,
    partitionsConsumedConcurrently: config.kafka.topicPartitions,
    sessionTimeoutMs: config.consumer.sessionTimeoutMs,
    // Two flushes' worth: one loading, one filling.
    maxPendingRows: 2 * config.consumer.flushRows,
    buffer,
    toOutcomes,
    readiness,
    metrics,
    logger,
  });

  const server = await startOpsServer(
    { role: 'consumer', host: config.consumer.host, port: config.consumer.port, portVariable: 'CONSUMER_PORT' },
    {
      isHealthy: () => loop.isHealthy(),
      readiness: () => readiness.report(),
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
