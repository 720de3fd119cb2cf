import { applySchema } from '../../migrations/apply.js';
import type { Command } from '../command.js';
import { loadContext, say } from '../context.js';

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
    const { config, endpoints } = loadContext('migrate');
    const applied = await applySchema(config, endpoints, say);
    say(applied.length ? `migrate: ${applied.length} applied` : 'migrate: up to date');
    return 0;
  },
};
