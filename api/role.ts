/**
 * The api role: the Hono app on a real HTTP server, with the real Kafka sink and the
 * Postgres site resolver, and its Prometheus metrics on a second, private address
 * (API_METRICS_HOST:API_METRICS_PORT). `clickstream api` runs one; run N behind a load
 * balancer.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createKafka } from '../lib/kafka.js';
import { createPgPool } from '../lib/postgres.js';
import { listen, type RoleDeps, startOpsServer } from '../lib/role-server.js';
import { createSiteStore } from '../lib/sites.js';
import { createVisitorSalts } from '../lib/visitor-salts.js';
import { createApp } from './app.js';
import { createKafkaProbe } from './kafka-probe.js';
import { createKafkaSink } from './kafka-sink.js';
import { resolveApiLimits } from './limits.js';
import { createLoopDelayShedder } from './loop-delay.js';
import { createPostgresSiteResolver } from './postgres-site-resolver.js';
import { createSaltCache } from './salt-cache.js';
import { loadDemoPage } from './routes/demo.js';
import { buildSdkScript } from './sdk-script.js';
import { createSinkGuard } from './sink-guard.js';
import { createSinkHealth } from './sink-health.js';

export interface ApiRoleOptions {
  /** Serve the demo shop at `/demo`, posting with this write key (`clickstream start` does). */
  demoWriteKey?: string;
}

export interface RunningApi {
  /** Where POST /events, /healthz and /readyz answer. */
  url: string;
  /** Where /metrics answers. */
  metricsUrl: string;
  /** Graceful: stop accepting, finish in-flight requests, disconnect the producer. */
  stop(): Promise<void>;
}

/** Starts the api role; resolves once both of its servers listen. */
export async function startApi(
  { config, endpoints, logger }: RoleDeps,
  { demoWriteKey }: ApiRoleOptions = {},
): Promise<RunningApi> {
  const kafka = createKafka({ brokers: endpoints.kafkaBrokers, clientId: `${config.kafka.clientId}-api`, logger });
  const sink = createKafkaSink(kafka, config.kafka.topicRaw, { grouping: config.api.recordGrouping });
  const limits = resolveApiLimits(config.api.limits);
  const probe = createKafkaProbe(kafka, config.kafka.topicRaw);
  const health = createSinkHealth({
    probe: probe.check,
    onChange: (state, detail) =>
      state === 'up' ? logger.info({ detail }, 'sink_available') : logger.warn({ detail }, 'sink_unavailable_detected'),
  });
  const shedder = createLoopDelayShedder({ maxDelayMs: limits.maxEventLoopDelayMs });
  const guard = createSinkGuard<string>({
    sink,
    health,
    maxPendingSends: limits.maxPendingSends,
    maxPendingBytes: limits.maxPendingBytes,
    produceTimeoutMs: limits.produceTimeoutMs,
    // A part is the JSON text of (part of) a record.
    sizeOf: (part) => part.length,
  });
  const pool = createPgPool(endpoints.databaseUrl, (error) =>
    logger.warn({ err: error }, 'postgres_idle_client_error'),
  );
  // Built before listening: a server that answers /events but 404s /sdk.js would break
  // every site silently, so a broken SDK build stops the start with esbuild's message.
  const sdkScript = await buildSdkScript().catch((error: Error) => {
    throw new Error(`api: cannot build the browser SDK (sdk/src) for /sdk.js: ${error.message}`, { cause: error });
  });
  const demoPage = demoWriteKey === undefined ? undefined : await loadDemoPage(demoWriteKey);
  const salts = createSaltCache(createVisitorSalts(pool), { logger });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'clickstream_api_' });
  const sites = createPostgresSiteResolver(createSiteStore(pool), { staleMs: config.api.siteCacheStaleMs });
  const app = createApp({
    sink: guard,
    // The sink first (down: nothing to do), then the API's own lateness.
    sinkAdmission: () => guard.admission() ?? shedder.refusal(),
    sinkOutageSeconds: () => health.outageSeconds(),
    sites,
    salts,
    logger,
    registry,
    // Ready = the sink takes writes. Postgres alone does not decide: every replica shares
    // it, and known keys are served from the cache while it is away.
    readiness: async () => ({
      ready: health.state === 'up',
      dependencies: {
        kafka: { ...health.status(), pendingSends: guard.pendingSends, pendingBytes: guard.pendingBytes },
        postgres: sites.status(),
      },
    }),
    limits: config.api.limits,
    trustProxy: config.api.trustProxy,
    sdkScript,
    ...(demoPage === undefined ? {} : { demoPage }),
  });

  // Not fatal when Kafka or Postgres is down at start: requests get 503 until they are back.
  await Promise.all([
    sink.connect().catch((error: Error) => logger.warn({ err: error }, 'kafka_not_reachable_at_start')),
    salts.start(),
  ]);
  health.start();

  const metrics = await startOpsServer(
    { role: 'api', host: config.api.metricsHost, port: config.api.metricsPort, portVariable: 'API_METRICS_PORT' },
    { registry, isHealthy: () => true },
  );
  const server = await listen(
    app.fetch,
    { role: 'api', host: config.api.host, port: config.api.port, portVariable: 'API_PORT' },
    config.api.http,
  ).catch(async (error: unknown) => {
    health.stop();
    shedder.stop();
    salts.stop();
    await Promise.all([metrics.close(), probe.close(), sink.close().catch(() => {}), pool.end()]);
    throw error;
  });
  logger.info({ url: server.url, metricsUrl: metrics.url }, 'api_started');

  return {
    url: server.url,
    metricsUrl: metrics.url,
    async stop() {
      logger.info('api_stopping');
      await server.close();
      health.stop();
      shedder.stop();
      salts.stop();
      await probe.close();
      await sink.close().catch((error) => logger.warn({ err: error }, 'producer_close_failed'));
      await metrics.close();
      await pool.end();
      logger.info('api_stopped');
    },
  };
}
