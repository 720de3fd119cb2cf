/**
 * The Grafana provisioning folders, Docker's (committed) and the one `clickstream
 * grafana-provisioning --out DIR` writes for a Grafana on this machine: one generator, the
 * datasource fields plugin 4.11.2 reads, dashboards the provider can load whose datasources
 * are all provisioned, unique uids, Prometheus panels that say so when there is none; and a
 * connection made from the generated datasource reaching the embedded ClickHouse.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { DOCKER_PROVISIONING_DIR, dockerProvisioningFiles, JSON_DIR } from '../dashboards/generate.js';
import { CLICKHOUSE_PLUGIN, DOCKER_TARGET } from '../dashboards/provisioning.js';
import { CLICKHOUSE, PROMETHEUS } from '../dashboards/src/kit.js';
import { datasourceClient, grafanaExpand, readDatasources } from './grafana-datasource.js';
import { queryRows, testConfig, uniqueName } from './helpers.js';

/** jsonData keys grafana-clickhouse-datasource 4.11.2 reads (pkg/plugin/settings.go LoadSettings). */
const PLUGIN_JSON_DATA = new Set([
  'host',
  'port',
  'protocol',
  'secure',
  'path',
  'tlsSkipVerify',
  'tlsAuth',
  'tlsAuthWithCACert',
  'username',
  'defaultDatabase',
  'dialTimeout',
  'queryTimeout',
  'customSettings',
  'forwardGrafanaHeaders',
  'enableRowLimit',
  'httpHeaders',
]);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Runs the real command with the test deployment's environment; returns the folder. */
function generate(args: string[] = []): string {
  const dir = path.resolve('.test-data', uniqueName('grafana'));
  dirs.push(dir);
  const run = spawnSync(process.execPath, ['bin/clickstream.js', 'grafana-provisioning', '--out', dir, ...args], {
    env: { PATH: process.env.PATH ?? '', ...inject('testEnv') },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`grafana-provisioning failed (${run.status}): ${run.stderr}`);
  expect(run.stderr).toMatch(/ClickHouse answers at .* as clickstream_reader/);
  return dir;
}

interface Provider {
  options: { path: string };
}
function provider(dir: string): Provider {
  const doc = parse(fs.readFileSync(path.join(dir, 'dashboards', 'clickstream.yaml'), 'utf8')) as {
    apiVersion: number;
    providers: Provider[];
  };
  expect(doc.apiVersion).toBe(1);
  expect(doc.providers).toHaveLength(1);
  return doc.providers[0]!;
}

/** Every check a provisioning folder must pass; `dashboardsDir` is where its provider's path is here. */
function checkFolder(dir: string, dashboardsDir: string): void {
  const datasources = readDatasources(path.join(dir, 'datasources', 'datasources.yaml'));
  const uids = datasources.map((d) => d.uid);
  expect(new Set(uids).size).toBe(uids.length);
  const clickhouse = datasources.find((d) => d.uid === CLICKHOUSE.uid)!;
  expect(clickhouse.type).toBe(CLICKHOUSE_PLUGIN.id);
  for (const key of Object.keys(clickhouse.jsonData ?? {})) expect(PLUGIN_JSON_DATA, `jsonData.${key}`).toContain(key);
  expect(clickhouse.jsonData).toMatchObject({ protocol: 'http', username: 'clickstream_reader' });
  expect(typeof clickhouse.jsonData?.port).toBe('number');
  expect(Object.keys(clickhouse.secureJsonData ?? {})).toEqual(['password']);

  const files = fs.readdirSync(dashboardsDir).filter((f) => f.endsWith('.json'));
  expect(files.length).toBeGreaterThanOrEqual(5);
  const provided = new Map(datasources.map((d) => [d.uid, d.type]));
  const dashboardUids: string[] = [];
  for (const file of files) {
    const d = JSON.parse(fs.readFileSync(path.join(dashboardsDir, file), 'utf8')) as {
      uid: string;
      templating: { list: Array<{ datasource?: { uid: string } }> };
      panels: Array<{
        title: string;
        datasource?: { uid: string; type: string };
        targets?: Array<{ datasource?: { uid: string } }>;
      }>;
    };
    dashboardUids.push(d.uid);
    const refs = [
      ...d.templating.list.map((v) => v.datasource),
      ...d.panels.flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]),
    ].filter((ref): ref is { uid: string; type: string } => ref !== undefined);
    for (const ref of refs) expect(provided.has(ref.uid), `${file}: datasource ${ref.uid} is provisioned`).toBe(true);
  }
  expect(new Set(dashboardUids).size).toBe(dashboardUids.length);
}

describe('the Docker stack provisioning', () => {
  it.each(Object.entries(dockerProvisioningFiles()))('%s is what the generator writes', (rel, text) => {
    expect(fs.readFileSync(path.join(DOCKER_PROVISIONING_DIR, rel), 'utf8')).toBe(text);
  });

  it('passes the folder checks, the provider reading the dashboards docker-compose.yml mounts there', () => {
    checkFolder(DOCKER_PROVISIONING_DIR, JSON_DIR);
    const compose = parse(fs.readFileSync('docker-compose.yml', 'utf8')) as {
      services: { grafana: { volumes: string[]; environment: Record<string, string> } };
    };
    expect(compose.services.grafana.volumes).toContain(`./dashboards/json:${DOCKER_TARGET.dashboardsPath}:ro`);
    expect(provider(DOCKER_PROVISIONING_DIR).options.path).toBe(DOCKER_TARGET.dashboardsPath);
    expect(compose.services.grafana.environment.GF_PLUGINS_PREINSTALL_SYNC).toBe(
      `${CLICKHOUSE_PLUGIN.id}@${CLICKHOUSE_PLUGIN.version}`,
    );
  });
});

describe('clickstream grafana-provisioning --out DIR', () => {
  it('without --prometheus-url: no Prometheus datasource, and its panels say so', () => {
    const dir = generate();
    const copy = path.join(dir, 'dashboards', 'json');
    expect(provider(dir).options.path).toBe(copy);
    checkFolder(dir, copy);
    expect(readDatasources(path.join(dir, 'datasources', 'datasources.yaml')).map((d) => d.uid)).toEqual([
      CLICKHOUSE.uid,
    ]);
    const pipeline = JSON.parse(fs.readFileSync(path.join(copy, 'pipeline.json'), 'utf8')) as {
      panels: Array<{ type: string; title: string; options?: { content?: string } }>;
    };
    const notes = pipeline.panels.filter((p) => p.type === 'text');
    expect(notes.length).toBeGreaterThan(0);
    for (const note of notes) expect(note.options?.content).toMatch(/No Prometheus is configured/);
    expect(fs.statSync(path.join(dir, 'datasources', 'datasources.yaml')).mode & 0o077).toBe(0);
  });

  it("with --prometheus-url: the Prometheus datasource, and the provider reads the project's dashboards/json", () => {
    const dir = generate(['--prometheus-url', 'http://127.0.0.1:9090/']);
    expect(provider(dir).options.path).toBe(JSON_DIR);
    checkFolder(dir, JSON_DIR);
    const prometheus = readDatasources(path.join(dir, 'datasources', 'datasources.yaml')).find(
      (d) => d.uid === PROMETHEUS.uid,
    );
    expect(prometheus).toMatchObject({ type: 'prometheus', url: 'http://127.0.0.1:9090' });
  });

  it('refuses a --prometheus-url that is not an http(s) URL, and a missing --out', () => {
    const bad = spawnSync(
      process.execPath,
      ['bin/clickstream.js', 'grafana-provisioning', '--out', 'x', '--prometheus-url', 'localhost:9090'],
      {
        env: { PATH: process.env.PATH ?? '', ...inject('testEnv') },
        encoding: 'utf8',
      },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--prometheus-url takes an http\(s\) URL/);
    const none = spawnSync(process.execPath, ['bin/clickstream.js', 'grafana-provisioning'], { encoding: 'utf8' });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/--out DIR is required/);
  });

  it('its datasource, exactly as written, reaches the embedded ClickHouse as the read-only reader', async () => {
    const dir = generate();
    const ds = readDatasources(path.join(dir, 'datasources', 'datasources.yaml')).find(
      (d) => d.uid === CLICKHOUSE.uid,
    )!;
    expect(ds.jsonData).toMatchObject({ host: '127.0.0.1', port: testConfig().clickhouse.localHttpPort });
    const client = datasourceClient(ds);
    try {
      const [row] = await queryRows<{ user: string; readonly: string }>(
        client,
        "SELECT currentUser() AS user, getSetting('readonly') AS readonly",
      );
      expect(row?.user).toBe('clickstream_reader');
      expect(Number(row?.readonly)).toBe(2);
    } finally {
      await client.close();
    }
  });

  it('a password with $ survives Grafana expanding variables in provisioning files', () => {
    const dir = path.resolve('.test-data', uniqueName('grafana'));
    dirs.push(dir);
    const env = { PATH: process.env.PATH ?? '', ...inject('testEnv'), CLICKHOUSE_READER_PASSWORD: 'a$b$$c' };
    spawnSync(process.execPath, ['bin/clickstream.js', 'grafana-provisioning', '--out', dir], {
      env,
      encoding: 'utf8',
    });
    const ds = readDatasources(path.join(dir, 'datasources', 'datasources.yaml'))[0]!;
    expect(grafanaExpand(ds.secureJsonData!.password!, { b: 'WRONG' })).toBe('a$b$$c');
  });
});
