/**
 * The Docker stack's ClickHouse users (docker/clickhouse/users.xml), proven against a second
 * embedded ClickHouse started with that very file as its users_config:
 * - clickstream_admin runs the real migrations and a real mart build;
 * - clickstream_writer can insert events and nothing else;
 * - clickstream_reader (Grafana) can read, and every write or DDL is refused with READONLY,
 *   while per-query settings stay allowed within the profile's constraints.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { buildMarts } from '../etl/build-marts.js';
import type { BuildOptions } from '../etl/build-options.js';
import { fixtureEvents, insertEvents } from './support/mart-fixtures.js';
import { type ClickHouseClient, createClickHouse } from '../lib/clickhouse.js';
import { createPgPool } from '../lib/postgres.js';
import { clickhouseService } from '../local/clickhouse/service.js';
import { type StartedService, startService } from '../local/embedded-service.js';
import { findFreePort, stopProcess } from '../local/process-control.js';
import { migrate } from '../migrations/runner.js';
import { uniqueName, withPgClient } from './helpers.js';

const USERS_FILE = path.resolve('docker/clickhouse/users.xml');
const PASSWORDS = {
  CLICKHOUSE_ADMIN_PASSWORD: randomBytes(8).toString('hex'),
  CLICKHOUSE_WRITER_PASSWORD: randomBytes(8).toString('hex'),
  CLICKHOUSE_READER_PASSWORD: randomBytes(8).toString('hex'),
};

let server: StartedService | undefined;
let dataDir = '';
const clients: ClickHouseClient[] = [];

function client(user: string, password: string): ClickHouseClient {
  const c = createClickHouse({ url: server!.endpoint, user, password, database: 'clickstream' });
  clients.push(c);
  return c;
}
const admin = () => client('clickstream_admin', PASSWORDS.CLICKHOUSE_ADMIN_PASSWORD);
const writer = () => client('clickstream_writer', PASSWORDS.CLICKHOUSE_WRITER_PASSWORD);
const reader = () => client('clickstream_reader', PASSWORDS.CLICKHOUSE_READER_PASSWORD);

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

beforeAll(async () => {
  dataDir = path.resolve('.test-data', uniqueName('clickhouse-users'));
  fs.mkdirSync(dataDir, { recursive: true });
  const configFile = path.join(dataDir, 'config.xml');
  // The design note's recipe: a config whose only job is to name the users file.
  fs.writeFileSync(configFile, `<clickhouse><users_config>${USERS_FILE}</users_config></clickhouse>\n`);
  // users.xml reads the passwords with from_env; the server process inherits this env.
  Object.assign(process.env, PASSWORDS);
  const service = clickhouseService({
    dataDir,
    httpPort: await findFreePort(),
    tcpPort: await findFreePort(),
    configFile,
  });
  server = await startService(service, { logDir: dataDir, log: () => {} });
  // Migrations as the admin user (the Docker `migrate` service does the same). The Postgres
  // half is the shared test database, already migrated: only the ClickHouse half runs here.
  await withPgClient((postgres) =>
    migrate({
      clickhouse: {
        url: server!.endpoint,
        user: 'clickstream_admin',
        password: PASSWORDS.CLICKHOUSE_ADMIN_PASSWORD,
        database: 'clickstream',
      },
      postgres,
      log: () => {},
    }),
  );
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  if (server) await stopProcess(server.pid);
  for (const name of Object.keys(PASSWORDS)) delete process.env[name];
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('docker/clickhouse/users.xml on an embedded server', () => {
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

  it('admin: the migrations created the schema and a mart build runs', async () => {
    const ch = admin();
    const tables = await (await ch.query({ query: 'SHOW TABLES', format: 'JSONEachRow' })).json<{ name: string }>();
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['events', 'etl_runs', 'mart_sessions', 'mart_traffic_hourly']),
    );
    const site = uniqueName('users_site');
    await insertEvents(ch, fixtureEvents('2024-05-10', site, uniqueName('users_other')));
    const pgPool = createPgPool(inject('databaseUrl'));
    const options: BuildOptions = {
      sessionGapMinutes: 30,
      conversionTypes: ['checkout'],
      attributionWindowDays: 7,
      heatmapBucketPx: 50,
      funnels: [],
    };
    try {
      await buildMarts({
        clickhouse: ch,
        pgPool,
        options,
        from: new Date('2024-05-10T00:00:00Z'),
        to: new Date('2024-05-10T12:00:00Z'),
      });
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
    expect(await errorCode(ch.insert({ table: 'etl_runs', values: [{ mart: 'x' }], format: 'JSONEachRow' }))).toBe(
      ACCESS_DENIED,
    );
    expect(await errorCode(ch.command({ query: 'CREATE TABLE writer_made (x UInt8) ENGINE = Memory' }))).toBe(
      ACCESS_DENIED,
    );
    expect(await errorCode(ch.command({ query: 'TRUNCATE TABLE events' }))).toBe(ACCESS_DENIED);
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
    const ok = ch.query({ query: 'SELECT 1', clickhouse_settings: { max_execution_time: 30 } }).then((r) => r.text());
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
