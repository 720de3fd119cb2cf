import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { queryRows, testClickHouse, withPgClient } from './helpers.js';

describe('embedded services (started by the test harness)', () => {
  it('serves ClickHouse over HTTP with the events table migrated', async () => {
    const clickhouse = testClickHouse();
    const [row] = await queryRows<{ v: string }>(clickhouse, 'SELECT version() AS v');
    expect(row?.v).toMatch(/^\d+\.\d+/);
    const tables = await queryRows<{ name: string }>(
      clickhouse,
      "SELECT name FROM system.tables WHERE database = 'clickstream'",
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['events', 'schema_migrations']));
    await clickhouse.close();
  });

  it('serves Postgres with the clickstream schema', async () => {
    const tables = await withPgClient(
      async (c) =>
        (await c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'clickstream'")).rows,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['schema_migrations', 'sites', 'visitor_salts']),
    );
  });

  it('has the Kafka topics with the configured partitions', async () => {
    const { createKafka } = await import('../lib/kafka.js');
    const admin = createKafka({ brokers: inject('kafkaBrokers'), clientId: 'test' }).admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: ['events.raw', 'events.dlq'] });
    await admin.disconnect();
    const raw = meta.topics.find((t) => t.name === 'events.raw');
    expect(raw?.partitions.length).toBeGreaterThanOrEqual(4);
  });
});
