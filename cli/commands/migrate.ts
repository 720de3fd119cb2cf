import { resolveEndpoints } from '../../local/services.js';
import { createKafka, ensureTopics, pipelineTopics } from '../../lib/kafka.js';
import { connectPg } from '../../lib/postgres.js';
import { migrate } from '../../migrations/runner.js';
import { applyEventsRetention } from '../../migrations/events-retention.js';
import { createClickHouse } from '../../lib/clickhouse.js';
import type { Config } from '../../lib/config.js';
import type { Command } from '../command.js';
import { loadContext, say } from '../context.js';

/**
 * Applies pending migrations to the configured (or embedded, already running) services,
 * and creates the Kafka topics (auto-creation is off: partition counts must be right).
 */
export async function runMigrations(config: Config, log: (message: string) => void): Promise<string[]> {
  const endpoints = resolveEndpoints(config);
  // DDL needs the admin (the roles' writer has none); with CLICKHOUSE_USER set, that login
  const target = { url: endpoints.clickhouseUrl, ...config.clickhouse.admin, database: config.clickhouse.database };
  const postgres = await connectPg(endpoints.databaseUrl);
  try {
    const { applied } = await migrate({ clickhouse: target, postgres, log });
    const clickhouse = createClickHouse(target);
    try {
      const retention = await applyEventsRetention(clickhouse, {
        days: config.clickhouse.eventsRetentionDays,
        coldVolume: config.clickhouse.eventsColdVolume,
      });
      if (config.clickhouse.eventsRetentionDays !== undefined) log(`migrate: ${retention}`);
    } finally {
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

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending ClickHouse and Postgres migrations (each once, checksummed); create Kafka topics',
  usage: [
    'Usage: clickstream migrate',
    '',
    'Applies migrations/NNNN_*.sql to ClickHouse and migrations/postgres/NNNN_*.sql to Postgres,',
    'in order, each once, then creates the Kafka topics that are missing. Safe to run from',
    'several processes at once. The services must be',
    'running ("clickstream services up") or configured (CLICKHOUSE_URL, DATABASE_URL).',
  ].join('\n'),
  async run() {
    const { config } = loadContext('migrate');
    const applied = await runMigrations(config, say);
    say(applied.length ? `migrate: ${applied.length} applied` : 'migrate: up to date');
    return 0;
  },
};
