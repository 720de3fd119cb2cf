import { afterAll, describe, expect, it } from 'vitest';
import { applyEventsRetention, retentionTtl } from '../migrations/events-retention.js';
import { singleServer } from '../lib/clickhouse-shards.js';
import { queryRows, testClickHouse, uniqueName } from './helpers.js';

describe('raw events retention', () => {
  const clickhouse = testClickHouse();
  const table = uniqueName('events_copy');
  const ddl = async () =>
    (
      await queryRows<{ q: string }>(
        clickhouse,
        'SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = {t:String}',
        { t: table },
      )
    )[0]!.q;
  afterAll(async () => {
    await clickhouse.command({ query: `DROP TABLE IF EXISTS ${table}` });
    await clickhouse.close();
  });

  it.each([
    [{ days: undefined, coldVolume: undefined }, undefined],
    [{ days: 30, coldVolume: undefined }, 'toDateTime(ts) + INTERVAL 30 DAY DELETE'],
    [{ days: 7, coldVolume: 'cold' }, "toDateTime(ts) + INTERVAL 7 DAY TO VOLUME 'cold'"],
  ])('%j → %s', (settings, ttl) => {
    expect(retentionTtl(settings)).toBe(ttl);
  });

  it.each([
    [{ days: 1.5, coldVolume: undefined }, /whole number of days/],
    [{ days: 3, coldVolume: "x'; DROP" }, /not a volume name/],
  ])('refuses %j', (settings, message) => {
    expect(() => retentionTtl(settings)).toThrow(message);
  });

  it('sets the TTL on a copy of events, then removes it when the setting is cleared', async () => {
    await clickhouse.command({ query: `CREATE TABLE ${table} AS events` });
    expect(await ddl()).not.toContain(' TTL ');
    await applyEventsRetention(singleServer(clickhouse), { days: 3, coldVolume: undefined }, table);
    expect(await ddl()).toMatch(/TTL toDateTime\(ts\) \+ toIntervalDay\(3\)/);
    await applyEventsRetention(singleServer(clickhouse), { days: undefined, coldVolume: undefined }, table);
    expect(await ddl()).not.toContain(' TTL ');
  });
});
