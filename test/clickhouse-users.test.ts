/**
 * The ClickHouse users (docker/clickhouse/users.xml), on the very server every stack test
 * uses: the test harness starts the embedded ClickHouse exactly as `npm start` does, with
 * that file as its users_config, and migrates as the admin.
 * - clickstream_admin created the schema (global setup) and may do anything;
 * - clickstream_writer (the roles) inserts events and builds marts, and can change no schema;
 * - clickstream_reader (Grafana) can read, and every write or DDL is refused with READONLY,
 *   while the settings the Grafana plugin sends stay allowed within the profile's constraints.
 */
import { afterAll, describe, expect, it, inject } from 'vitest';
import { buildMarts } from '../etl/build-marts.js';
import { fixtureEvents, insertEvents } from './support/mart-fixtures.js';
import { type ClickHouseClient, createClickHouse } from '../lib/clickhouse.js';
import { createPgPool } from '../lib/postgres.js';
import { testConfig, testLogin, uniqueName } from './helpers.js';
import { TEST_BUILD_OPTIONS } from './support/build-options.js';

const clients: ClickHouseClient[] = [];

function client(user: string, password: string): ClickHouseClient {
  const c = createClickHouse({ url: inject('clickhouseUrl'), user, password, database: 'clickstream' });
  clients.push(c);
  return c;
}
const as = (role: 'admin' | 'writer' | 'reader') => {
  const login = testLogin(role);
  return client(login.user, login.password);
};
const admin = () => as('admin');
const writer = () => as('writer');
const reader = () => as('reader');

/** The ClickHouse error code a promise rejects with ('' when it resolves). */
async function errorCode(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return '';
  } catch (error) {
    return String((error as { code?: unknown }).code ?? (error as Error).message);
  }
}

const READONLY = '164';
const ACCESS_DENIED = '497';
const SETTING_CONSTRAINT_VIOLATION = '452';
const AUTHENTICATION_FAILED = '516';

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});

describe('docker/clickhouse/users.xml on the embedded server of every test', () => {
  it('default (localhost only) cannot read the data; wrong passwords are refused', async () => {
    // The test runs on the server's host, so `default` answers here; from another container
    // it would not (networks ::1, 127.0.0.1). What it may do here is nothing with the data.
    const local = client('default', '');
    expect(await errorCode(local.query({ query: 'SELECT 1' }).then((r) => r.text()))).toBe('');
    expect(
      await errorCode(local.query({ query: 'SELECT count() FROM clickstream.events' }).then((r) => r.text())),
    ).toBe(ACCESS_DENIED);
    expect(await errorCode(local.command({ query: 'DROP DATABASE clickstream' }))).toBe(ACCESS_DENIED);
    const wrong = client('clickstream_reader', 'not-the-password');
    expect(await errorCode(wrong.query({ query: 'SELECT 1' }).then((r) => r.text()))).toBe(AUTHENTICATION_FAILED);
  });

  it('the roles connect as the writer and migrations ran as the admin', () => {
    const { clickhouse } = testConfig();
    expect(clickhouse.user).toBe('clickstream_writer');
    expect(clickhouse.admin.user).toBe('clickstream_admin');
  });

  it('admin: the migrations created the schema; it may create and drop anything', async () => {
    const ch = admin();
    const tables = await (await ch.query({ query: 'SHOW TABLES', format: 'JSONEachRow' })).json<{ name: string }>();
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['events', 'etl_runs', 'mart_sessions', 'mart_traffic_hourly', 'schema_migrations']),
    );
    const scratch = uniqueName('admin_db');
    expect(await errorCode(ch.command({ query: `CREATE DATABASE ${scratch}` }))).toBe('');
    expect(await errorCode(ch.command({ query: `DROP DATABASE ${scratch}` }))).toBe('');
  });

  it('writer: the ETL builds marts as the writer (staging insert, REPLACE and DROP PARTITION, run log)', async () => {
    const ch = writer();
    const site = uniqueName('users_site');
    await insertEvents(ch, fixtureEvents('2024-05-10', site, uniqueName('users_other')));
    const pgPool = createPgPool(inject('databaseUrl'));
    const options = TEST_BUILD_OPTIONS;
    try {
      const results = await buildMarts({
        clickhouse: ch,
        pgPool,
        options,
        from: new Date('2024-05-10T00:00:00Z'),
        to: new Date('2024-05-10T12:00:00Z'),
      });
      expect(results.length).toBeGreaterThan(0);
    } finally {
      await pgPool.end();
    }
    const rows = await (
      await ch.query({
        query: 'SELECT count() AS n FROM mart_sessions WHERE site_id = {site:String}',
        query_params: { site },
        format: 'JSONEachRow',
      })
    ).json<{ n: string }>();
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
  });

  it('writer: inserts events, and may not touch anything else', async () => {
    const ch = writer();
    const site = uniqueName('writer_site');
    await insertEvents(ch, fixtureEvents('2024-05-10', site, uniqueName('writer_other')).slice(0, 3));
    expect(
      await errorCode(ch.insert({ table: 'schema_migrations', values: [{ name: 'x' }], format: 'JSONEachRow' })),
    ).toBe(ACCESS_DENIED);
    expect(await errorCode(ch.command({ query: 'CREATE TABLE writer_made (x UInt8) ENGINE = Memory' }))).toBe(
      ACCESS_DENIED,
    );
    expect(await errorCode(ch.command({ query: 'TRUNCATE TABLE events' }))).toBe(ACCESS_DENIED);
    expect(await errorCode(ch.command({ query: "ALTER TABLE events DELETE WHERE site_id = 'x'" }))).toBe(ACCESS_DENIED);
    expect(await errorCode(ch.command({ query: 'DROP TABLE mart_sessions' }))).toBe(ACCESS_DENIED);
    expect(await errorCode(ch.command({ query: 'ALTER TABLE mart_sessions ADD COLUMN x UInt8' }))).toBe(ACCESS_DENIED);
  });

  it('reader: profile readonly = 2; SELECT works, every write and DDL is refused', async () => {
    const ch = reader();
    const [setting] = await (
      await ch.query({ query: "SELECT getSetting('readonly') AS readonly", format: 'JSONEachRow' })
    ).json<{ readonly: unknown }>();
    expect(Number(setting?.readonly)).toBe(2);
    const rows = await (await ch.query({ query: 'SELECT count() AS n FROM events', format: 'JSONEachRow' })).json<{
      n: string;
    }>();
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
    const columns = await (
      await ch.query({
        query: "SELECT name FROM system.columns WHERE database = 'clickstream' AND table = 'events'",
        format: 'JSONEachRow',
      })
    ).json();
    expect(columns.length).toBeGreaterThan(10);
    // Two locks on each door: the grants (SELECT only: ACCESS_DENIED) and the readonly
    // profile (READONLY); which one ClickHouse reports first depends on the statement.
    const refused = [READONLY, ACCESS_DENIED];
    expect(refused).toContain(
      await errorCode(
        ch.insert({ table: 'events', values: [{ site_id: 'x', type: 'pageview' }], format: 'JSONEachRow' }),
      ),
    );
    expect(refused).toContain(
      await errorCode(ch.command({ query: 'CREATE TABLE reader_made (x UInt8) ENGINE = Memory' })),
    );
    expect(refused).toContain(await errorCode(ch.command({ query: 'DROP TABLE mart_sessions' })));
    expect(refused).toContain(await errorCode(ch.command({ query: "ALTER TABLE events DELETE WHERE site_id = 'x'" })));
    expect(refused).toContain(await errorCode(ch.command({ query: 'TRUNCATE TABLE etl_runs' })));
  });

  it('reader: per-query settings are allowed (as Grafana sends them) up to the constraints', async () => {
    const ch = reader();
    // clickhouse-go over HTTP (the plugin's client) sets default_format=Native on every query
    // (@clickhouse/client's typings list only the formats it parses itself, hence the cast)
    const ok = ch
      .query({ query: 'SELECT 1', clickhouse_settings: { max_execution_time: 30, default_format: 'Native' as 'JSON' } })
      .then((r) => r.text());
    expect(await errorCode(ok)).toBe('');
    const tooLong = ch
      .query({ query: 'SELECT 1', clickhouse_settings: { max_execution_time: 3600 } })
      .then((r) => r.text());
    expect(await errorCode(tooLong)).toBe(SETTING_CONSTRAINT_VIOLATION);
    // readonly = 2 lets a client change settings, but never `readonly` itself
    const readonlyEscape = ch
      .query({ query: 'SELECT 1', clickhouse_settings: { readonly: '0' } })
      .then((r) => r.text());
    expect(await errorCode(readonlyEscape)).toBe(READONLY);
  });
});
