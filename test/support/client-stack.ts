/**
 * A stack for the tests that drive the real Segment and PostHog server-side clients: the
 * consumer role on topics of its own, a site, and API servers built from the real parts
 * (the Kafka sink, the Postgres site resolver) with two things a test can steer: the sink
 * can answer 503 for the next N requests AFTER writing their events (the worst case for a
 * retry: the events are in Kafka and the client sends them again), and every request is
 * recorded with its status and time, so a test can see a client's retries and their spacing.
 */
import { Registry } from 'prom-client';
import { createApp } from '../../api/app.js';
import type { ApiLimitsOverrides } from '../../api/limits.js';
import { type EventSink, SinkUnavailableError } from '../../api/deps.js';
import { createKafkaSink } from '../../api/kafka-sink.js';
import { createPostgresSiteResolver } from '../../api/postgres-site-resolver.js';
import { createSaltCache } from '../../api/salt-cache.js';
import { startConsumer, type RunningConsumer } from '../../consumer/role.js';
import type { ClickHouseClient } from '../../lib/clickhouse.js';
import { createKafka } from '../../lib/kafka.js';
import { createLogger } from '../../lib/logger.js';
import { createPgPool } from '../../lib/postgres.js';
import { listen, type RunningServer } from '../../lib/role-server.js';
import { createSiteStore } from '../../lib/sites.js';
import { createVisitorSalts } from '../../lib/visitor-salts.js';
import { findFreePort } from '../../local/process-control.js';
import {
  isolatedPipelineEnv,
  testClickHouse,
  testConfig,
  testEndpoints,
  uniqueName,
  withPgClient,
} from '../helpers.js';

/** One request as the API answered it. */
export interface SeenRequest {
  path: string;
  /** 0 while the request is being answered. */
  status: number;
  /** The client's `X-Retry-Count` header (analytics-node numbers its retries), if any. */
  retryCount?: string;
  /** `Date.now()` when the request arrived. */
  at: number;
}

/** An API server of the stack. */
export interface ClientApi {
  url: string;
  /** Every request, in arrival order. */
  requests: SeenRequest[];
  /** The next this-many sends are written to Kafka and then answered 503 + Retry-After. */
  failAfterWrite: number;
}

export interface ClientStack {
  site: string;
  key: string;
  clickhouse: ClickHouseClient;
  /** A new API server on the stack's topic, with its own limits (e.g. a tiny rate limit). */
  api(limits?: ApiLimitsOverrides): Promise<ClientApi>;
  close(): Promise<void>;
}

/** Starts the consumer and creates the site; `api()` adds servers. Call `close()` in afterAll. */
export async function startClientStack(): Promise<ClientStack> {
  const site = uniqueName('clients').replace(/_/g, '-');
  const key = (await withPgClient((c) => createSiteStore(c).add(site, ['*']))).key;
  const config = testConfig(await isolatedPipelineEnv({ CONSUMER_FLUSH_MS: '100' }));
  const logger = createLogger('warn', 'test');
  const endpoints = testEndpoints();
  const consumer: RunningConsumer = await startConsumer({ config, logger, endpoints });
  const pool = createPgPool(endpoints.databaseUrl, () => undefined);
  const kafka = createKafka({ brokers: endpoints.kafkaBrokers, clientId: 'client-stack', logger });
  const clickhouse = testClickHouse();
  const closers: Array<() => Promise<void>> = [];

  return {
    site,
    key,
    clickhouse,
    async api(limits = {}) {
      const kafkaSink = createKafkaSink(kafka, config.kafka.topicRaw);
      await kafkaSink.connect();
      const api: ClientApi = { url: '', requests: [], failAfterWrite: 0 };
      const sink: EventSink = {
        async send(messages) {
          await kafkaSink.send(messages);
          if (api.failAfterWrite > 0) {
            api.failAfterWrite--;
            throw new SinkUnavailableError('test: written, then answered as if the acknowledgement was lost');
          }
        },
      };
      // The real salts, as the api role has them: the consumer's rows then hash alike.
      const salts = createSaltCache(createVisitorSalts(pool), { logger });
      await salts.start();
      const app = createApp({
        sink,
        sites: createPostgresSiteResolver(createSiteStore(pool)),
        salts,
        logger,
        registry: new Registry(),
        limits: { retryAfterSeconds: 1, ...limits },
      });
      const server: RunningServer = await listen(
        async (request) => {
          // Recorded on arrival, so the list is in arrival order even when answers overtake.
          const seen: SeenRequest = { path: new URL(request.url).pathname, status: 0, at: Date.now() };
          const retryCount = request.headers.get('X-Retry-Count');
          if (retryCount !== null) seen.retryCount = retryCount;
          api.requests.push(seen);
          const response = await app.fetch(request);
          seen.status = response.status;
          return response;
        },
        { role: 'test api', host: '127.0.0.1', port: await findFreePort(), portVariable: 'none' },
      );
      api.url = server.url;
      closers.push(async () => {
        await server.close();
        salts.stop();
        await kafkaSink.close();
      });
      return api;
    },
    async close() {
      for (const close of closers) await close();
      await consumer.stop();
      await pool.end();
      await clickhouse.close();
    },
  };
}
