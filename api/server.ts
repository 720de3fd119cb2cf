/**
 * The api role: the Hono app on a real HTTP server, with the real Kafka sink and the
 * Postgres site resolver. `clickstream api` runs one; run N behind a load balancer.
 */
import { serve } from '@hono/node-server';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from '../lib/config.js';
import { createKafka } from '../lib/kafka.js';
import type { Logger } from '../lib/logger.js';
import { createPgPool } from '../lib/postgres.js';
import { createSiteStore } from '../lib/sites.js';
import { createVisitorSalts } from '../lib/visitor-salts.js';
import { createApp } from './app.js';
import { createKafkaSink } from './kafka-sink.js';
import { createPostgresSiteResolver } from './postgres-site-resolver.js';
import { createSaltCache } from './salt-cache.js';

export interface ApiServerDeps {
  config: Config;
  databaseUrl: string;
  kafkaBrokers: string[];
  logger: Logger;
}

export interface RunningApi {
  url: string;
  /** Graceful: stop accepting, finish in-flight requests, disconnect the producer. */
  stop(): Promise<void>;
}

export async function startApi(deps: ApiServerDeps): Promise<RunningApi> {
  const { config, logger } = deps;
  const kafka = createKafka({ brokers: deps.kafkaBrokers, clientId: `${config.kafka.clientId}-api`, logger });
  const sink = createKafkaSink(kafka, config.kafka.topicRaw, { grouping: config.api.recordGrouping });
  const pool = createPgPool(deps.databaseUrl, (error) => logger.warn({ err: error }, 'postgres_idle_client_error'));
  const salts = createSaltCache(createVisitorSalts(pool), { logger });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'clickstream_api_' });
  const app = createApp({
    sink,
    sites: createPostgresSiteResolver(createSiteStore(pool)),
    salts,
    logger,
    registry,
    isReady: () => sink.isReady(),
    limits: config.api.limits,
    trustProxy: config.api.trustProxy,
  });

  // Not fatal when Kafka or Postgres is down at start: requests get 503 until they are back.
  await Promise.all([
    sink.connect().catch((error: Error) => logger.warn({ err: error }, 'kafka_not_reachable_at_start')),
    salts.start(),
  ]);

  const server = serve({ fetch: app.fetch, hostname: config.api.host, port: config.api.port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`api: cannot listen on ${config.api.host}:${config.api.port} (${error.code}); set API_PORT`)),
    );
  });
  const url = `http://${config.api.host}:${config.api.port}`;
  logger.info({ url }, 'api_started');

  return {
    url,
    async stop() {
      logger.info('api_stopping');
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold close() open; idle ones can go now.
        (server as import('node:http').Server).closeIdleConnections?.();
      });
      salts.stop();
      await sink.close().catch((error) => logger.warn({ err: error }, 'producer_close_failed'));
      await pool.end();
      logger.info('api_stopped');
    },
  };
}
