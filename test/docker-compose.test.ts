/**
 * docker-compose.yml as the containers would get it (the compose file's own ${VAR}
 * interpolation applied to an .env), checked for what a Docker engine would only show at
 * run time: credentials reach the roles intact whatever characters they hold, one image is
 * built once, ClickHouse runs the embedded engine's release line, Grafana starts after the
 * schema exists.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../lib/config.js';
import { queryRows, testClickHouse, uniqueName, withPgClient } from './helpers.js';

interface Service {
  image?: string;
  build?: unknown;
  pull_policy?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(fs.readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const APP_SERVICES = ['migrate', 'api', 'consumer', 'etl'];

/** Compose's interpolation of the forms this file uses: ${VAR}, ${VAR:-default}, ${VAR:?message}, $$. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\{(\w+)(?::([-?])([^}]*))?\}/g, (match, name, op, arg) => {
    if (match === '$$') return '$';
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return op === '-' ? arg : '';
  });
}

function serviceEnv(name: string, env: Record<string, string>): Record<string, string> {
  const raw = compose.services[name]?.environment ?? {};
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, interpolate(String(v), env)]));
}

const dotEnv = (overrides: Record<string, string> = {}) => ({
  ...Object.fromEntries(
    fs
      .readFileSync('.env.docker.example', 'utf8')
      .split('\n')
      .map((l) => /^([A-Z_]+)=(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  ),
  ...overrides,
});

describe('docker-compose.yml', () => {
  it('builds the image once (migrate) and every other role reuses it without pulling', () => {
    const built = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);
    expect(built.map(([name]) => name)).toEqual(['migrate']);
    for (const name of APP_SERVICES) {
      expect(compose.services[name]?.image, name).toBe('clickstream:local');
      if (name !== 'migrate') expect(compose.services[name]?.pull_policy, name).toBe('never');
    }
  });

  it('Grafana starts after the migrations, which create the tables its dashboards read', () => {
    expect(compose.services.grafana?.depends_on?.migrate?.condition).toBe('service_completed_successfully');
  });

  it('runs the release line of the embedded ClickHouse every test runs on', async () => {
    const clickhouse = testClickHouse();
    try {
      const [{ v } = { v: '' }] = await queryRows<{ v: string }>(clickhouse, 'SELECT version() AS v');
      const line = v.split('.').slice(0, 2).join('.');
      expect(compose.services.clickhouse?.image).toBe(`clickhouse/clickhouse-server:${line}`);
    } finally {
      await clickhouse.close();
    }
  });

  it('no password is pasted into a URL', () => {
    const secrets = /\$\{(POSTGRES_PASSWORD|POSTGRES_USER|CLICKHOUSE_\w*PASSWORD)/;
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/^[a-z]+:\/\//.test(String(value))) expect(String(value), `${name}.${key}`).not.toMatch(secrets);
      }
    }
  });

  it('every role parses its environment, whatever characters the passwords hold', () => {
    const env = dotEnv({ POSTGRES_PASSWORD: 'p@ss:w/rd#?%', CLICKHOUSE_WRITER_PASSWORD: 'w@r:i/t#e?%' });
    for (const name of APP_SERVICES) {
      const config = parseConfig(serviceEnv(name, env));
      expect(config.postgres.externalUrl, name).toBe('postgres://postgres:5432/clickstream');
    }
    expect(parseConfig(serviceEnv('consumer', env)).clickhouse.password).toBe('w@r:i/t#e?%');
    expect(parseConfig(serviceEnv('etl', env)).clickhouse.user).toBe('clickstream_writer');
  });

  it('a role connects to Postgres with a password full of URL characters', { timeout: 60_000 }, async () => {
    const role = uniqueName('compose_role');
    const password = 'p@ss:w/rd#?%&=';
    await withPgClient(async (c) => {
      await c.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await c.query(`GRANT USAGE ON SCHEMA clickstream TO ${role}`);
      await c.query(`GRANT SELECT ON ALL TABLES IN SCHEMA clickstream TO ${role}`);
    });
    try {
      const env = serviceEnv('api', dotEnv({ POSTGRES_USER: role, POSTGRES_PASSWORD: password }));
      // the compose network's postgres:5432 is the test server here
      const test = new URL(inject('databaseUrl'));
      const databaseUrl = env.DATABASE_URL!.replace('postgres:5432', test.host).replace(/\/[^/]*$/, test.pathname);
      const run = spawnSync(process.execPath, ['bin/clickstream.js', 'sites', 'list'], {
        env: {
          PATH: process.env.PATH ?? '',
          ...env,
          DATABASE_URL: databaseUrl,
          CLICKSTREAM_DATA_DIR: '.test-data/compose',
        },
        encoding: 'utf8',
        timeout: 50_000,
      });
      expect(run.status, run.stderr).toBe(0);
    } finally {
      await withPgClient(async (c) => {
        await c.query(`REVOKE ALL ON ALL TABLES IN SCHEMA clickstream FROM ${role}`);
        await c.query(`REVOKE ALL ON SCHEMA clickstream FROM ${role}`);
        await c.query(`DROP ROLE ${role}`);
      });
    }
  });
});
