/**
 * docker-compose.yml as the containers would get it (the compose file's own ${VAR}
 * interpolation applied to an .env), checked for what a Docker engine would only show at
 * run time: credentials reach the roles intact whatever characters they hold, one image is
 * built once, ClickHouse runs the embedded engine's release line, Grafana starts after the
 * schema exists.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { clickhouseLayout } from '../lib/clickhouse-layout.js';
import { parseConfig } from '../lib/config.js';
import { queryRows, testClickHouse, uniqueName, withPgClient } from './helpers.js';

interface Service {
  image?: string;
  profiles?: string[];
  hostname?: string;
  volumes?: string[];
  build?: unknown;
  pull_policy?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string; required?: boolean }>;
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

/** .env.docker.example with its cluster-profile lines turned on. */
const clusterDotEnv = () =>
  dotEnv(
    Object.fromEntries(
      [
        ...fs.readFileSync('.env.docker.example', 'utf8').matchAll(/^#((?:COMPOSE_PROFILES|CLICKHOUSE_\w+)=\S*)$/gm),
      ].map((m) => m[1]!.split('=') as [string, string]),
    ),
  );
const CLUSTER_NODES = ['clickhouse-s1r1', 'clickhouse-s1r2', 'clickhouse-s2r1', 'clickhouse-s2r2'];

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

describe('docker-compose.yml, profile cluster', () => {
  const services = compose.services;
  const serverXml = fs.readFileSync('docker/clickhouse/cluster/server.xml', 'utf8');
  const keeperXml = fs.readFileSync('docker/clickhouse/cluster/keeper.xml', 'utf8');

  it('runs 2 shards x 2 replicas and a Keeper, all of the pinned ClickHouse image, only in the profile', () => {
    for (const name of [...CLUSTER_NODES, 'clickhouse-keeper']) {
      expect(services[name]?.image, name).toBe(services.clickhouse?.image);
      expect(services[name]?.profiles, name).toEqual(['cluster']);
      expect(services[name]?.hostname, name).toBe(name);
    }
    expect(services.clickhouse?.profiles).toBeUndefined();
    const macros = CLUSTER_NODES.map((n) => serviceEnv(n, clusterDotEnv()));
    expect(macros.map((e) => e.CLICKHOUSE_SHARD)).toEqual(['1', '1', '2', '2']);
    expect(macros.map((e) => e.CLICKHOUSE_REPLICA)).toEqual(CLUSTER_NODES);
    for (const env of macros) expect(env.CLICKHOUSE_CLUSTER_SECRET).toBe('change-me-cluster');
  });

  it('each node has its own volume, the shared users and the cluster settings', () => {
    const data = CLUSTER_NODES.map((n) => services[n]?.volumes?.find((v) => v.endsWith(':/var/lib/clickhouse')));
    expect(new Set(data).size).toBe(CLUSTER_NODES.length);
    for (const name of CLUSTER_NODES) {
      expect(services[name]?.volumes).toContain('./docker/clickhouse/users.xml:/etc/clickhouse-server/users.xml:ro');
      expect(services[name]?.volumes).toContain(
        './docker/clickhouse/cluster/server.xml:/etc/clickhouse-server/config.d/cluster.xml:ro',
      );
    }
  });

  it('server.xml names those nodes as cluster clickstream, with Keeper, macros and a secret from the env', () => {
    const cluster = /<clickstream>([\s\S]*)<\/clickstream>/.exec(serverXml)![1]!;
    const shards = [...cluster.matchAll(/<shard>([\s\S]*?)<\/shard>/g)].map((m) =>
      [...m[1]!.matchAll(/<host>([^<]+)<\/host><port>9000<\/port>/g)].map((h) => h[1]),
    );
    expect(shards).toEqual([CLUSTER_NODES.slice(0, 2), CLUSTER_NODES.slice(2)]);
    expect(cluster.match(/<internal_replication>true<\/internal_replication>/g)).toHaveLength(2);
    expect(cluster).toContain('<secret from_env="CLICKHOUSE_CLUSTER_SECRET"/>');
    expect(serverXml).toContain('<shard from_env="CLICKHOUSE_SHARD"/>');
    expect(serverXml).toContain('<replica from_env="CLICKHOUSE_REPLICA"/>');
    const port = /<tcp_port>(\d+)<\/tcp_port>/.exec(keeperXml)![1];
    expect(serverXml).toContain(`<node><host>clickhouse-keeper</host><port>${port}</port></node>`);
    expect(keeperXml).toContain('<hostname>clickhouse-keeper</hostname>');
  });

  it('with the cluster lines of .env on, every role runs in server-cluster mode on the first node', () => {
    for (const name of APP_SERVICES) {
      const config = parseConfig(serviceEnv(name, clusterDotEnv()));
      expect(clickhouseLayout(config), name).toEqual({
        kind: 'server-cluster',
        cluster: 'clickstream',
        database: 'clickstream',
      });
      expect(config.clickhouse.externalUrl, name).toBe('http://clickhouse-s1r1:8123');
    }
    expect(serviceEnv('grafana', clusterDotEnv()).CLICKHOUSE_HOST).toBe('clickhouse-s1r1');
    // and without them, the single server as before
    expect(clickhouseLayout(parseConfig(serviceEnv('consumer', dotEnv())))).toEqual({ kind: 'single' });
    expect(serviceEnv('grafana', dotEnv()).CLICKHOUSE_HOST).toBe('clickhouse');
  });

  it('the roles and Grafana wait for the nodes when the profile is on, and ignore them when it is off', () => {
    for (const name of [...APP_SERVICES, 'grafana']) {
      const waits = CLUSTER_NODES.filter((n) => services[name]?.depends_on?.[n]);
      expect(waits.length, name).toBeGreaterThan(0);
      for (const node of waits)
        expect(services[name]?.depends_on?.[node], `${name} → ${node}`).toEqual({
          condition: 'service_healthy',
          required: false,
        });
    }
  });

  it.skipIf(spawnSync('go', ['version']).status !== 0)(
    'validates with compose-go with the profile on',
    { timeout: 120_000 },
    () => {
      const envFile = path.join(os.tmpdir(), `compose-cluster-${process.pid}.env`);
      fs.writeFileSync(
        envFile,
        Object.entries(clusterDotEnv())
          .map(([k, v]) => `${k}=${v}`)
          .join('\n'),
      );
      try {
        const run = spawnSync(
          'go',
          ['run', '.', '-q', '-profile', 'cluster', '-f', '../../docker-compose.yml', '--env-file', envFile],
          {
            cwd: 'docker/compose-check',
            encoding: 'utf8',
            timeout: 110_000,
          },
        );
        expect(run.status, run.stderr).toBe(0);
        expect(run.stderr).toMatch(/valid \(14 services\)/);
      } finally {
        fs.rmSync(envFile, { force: true });
      }
    },
  );
});
