/**
 * Schema-apply: everything the services must hold before a role starts. The pending
 * Postgres and ClickHouse migrations (runner.ts), the raw-events retention the config asks
 * for (events-retention.ts), and the Kafka topics (created here, not on first use, because
 * broker auto-creation would give `events.raw` the broker's default partition count).
 * Idempotent and safe from several processes at once; `clickstream migrate`, `start`, the
 * bench and the test setup all run it.
 */
import { clickhouseTarget, createClickHouse } from '../lib/clickhouse.js';
import { clickhouseLayout } from '../lib/clickhouse-layout.js';
import { createEveryShard } from '../lib/clickhouse-shards.js';
import type { Config } from '../lib/config.js';
import type { Endpoints } from '../lib/endpoints.js';
import { createKafka, ensureTopics, pipelineTopics } from '../lib/kafka.js';
import { connectPg } from '../lib/postgres.js';
import { applyEventsRetention } from './events-retention.js';
import { migrate } from './runner.js';

/** Applies what is pending; resolves with the migration files applied by this call. */
export async function applySchema(
  config: Config,
  endpoints: Endpoints,
  log: (message: string) => void,
): Promise<string[]> {
  // DDL needs the admin (the roles' writer has none); with CLICKHOUSE_USER set, that login.
  const target = {
    ...clickhouseTarget(config, endpoints, config.clickhouse.admin),
    database: config.clickhouse.database,
  };
  const postgres = await connectPg(endpoints.databaseUrl);
  try {
    const layout = clickhouseLayout(config);
    const { applied } = await migrate({
      clickhouse: target,
      postgres,
      log,
      layout,
      nodeUrls: endpoints.clickhouseUrls,
    });
    const clickhouse = createClickHouse(target);
    const shards = createEveryShard(layout, clickhouse, target, endpoints.clickhouseUrls);
    try {
      const retention = await applyEventsRetention(shards, {
        days: config.clickhouse.eventsRetentionDays,
        coldVolume: config.clickhouse.eventsColdVolume,
      });
      if (config.clickhouse.eventsRetentionDays !== undefined) log(`migrate: ${retention}`);
    } finally {
      await shards.close();
      await clickhouse.close();
    }
    await ensureTopics(
      createKafka({ brokers: endpoints.kafkaBrokers, clientId: config.kafka.clientId }),
      pipelineTopics(config),
    );
    return applied;
  } finally {
    await postgres.end();
  }
}
