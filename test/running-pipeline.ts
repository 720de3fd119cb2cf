/**
 * The api and consumer roles running in-process on the test services, on a topic and
 * consumer group of their own, with a site to post for: what end-to-end mart tests need.
 */
import { type RunningApi, startApi } from '../api/role.js';
import { type RunningConsumer, startConsumer } from '../consumer/role.js';
import { createLogger } from '../lib/logger.js';
import { createSiteStore } from '../lib/sites.js';
import { isolatedPipelineEnv, sleepUntil, testClickHouse, testConfig, testEndpoints, withPgClient } from './helpers.js';

export interface RunningPipeline {
  /** POSTs a batch for the site; resolves with the parsed 202 body (throws on any other status). */
  post(events: unknown[]): Promise<{ accepted: number }>;
  /** Waits until ClickHouse holds `count` rows of the site. */
  waitForRows(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the roles with `env` overrides and adds `site` with `timezone`. */
export async function startPipeline(
  site: string,
  timezone: string,
  env: Record<string, string> = {},
): Promise<RunningPipeline> {
  const config = testConfig(await isolatedPipelineEnv({ CONSUMER_FLUSH_MS: '100', ...env }));
  const { key } = await withPgClient((c) => createSiteStore(c).add(site, [], timezone));
  const logger = createLogger('warn', 'test');
  const endpoints = testEndpoints();
  const api: RunningApi = await startApi({ config, logger, endpoints });
  const consumer: RunningConsumer = await startConsumer({ config, logger, endpoints });
  const clickhouse = testClickHouse();
  return {
    async post(events) {
      const response = await fetch(`${api.url}/events`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Write-Key': key,
          'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0',
        },
        body: JSON.stringify(events),
      });
      const body = (await response.json()) as { accepted: number };
      if (response.status !== 202) throw new Error(`POST /events answered ${response.status}: ${JSON.stringify(body)}`);
      return body;
    },
    async waitForRows(count, timeoutMs = 30_000) {
      await sleepUntil(
        `${count} rows of ${site} in events`,
        async () => {
          const result = await clickhouse.query({
            query: 'SELECT count() AS n FROM events WHERE site_id = {site:String}',
            query_params: { site },
            format: 'JSONEachRow',
          });
          const [row] = await result.json<{ n: string }>();
          return Number(row?.n) >= count;
        },
        timeoutMs,
        200,
      );
    },
    async stop() {
      await api.stop();
      await consumer.stop();
      await clickhouse.close();
    },
  };
}
