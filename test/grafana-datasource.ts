/**
 * Connects to ClickHouse exactly as Grafana would from a provisioned datasources file: the
 * ClickHouse datasource's host, port, protocol (http), secure, path, username, password and
 * default database, with the settings the plugin's client sends on every query.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { writeLocalProvisioning } from '../dashboards/local-provisioning.js';
import { CLICKHOUSE } from '../dashboards/src/kit.js';
import { type ClickHouseClient, createClickHouse } from '../lib/clickhouse.js';
import type { Config } from '../lib/config.js';

export interface ProvisionedDatasource {
  name: string;
  uid: string;
  type: string;
  url?: string;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}

export function readDatasources(file: string): ProvisionedDatasource[] {
  const doc = parse(fs.readFileSync(file, 'utf8')) as { apiVersion: number; datasources: ProvisionedDatasource[] };
  if (doc.apiVersion !== 1) throw new Error(`${file}: apiVersion ${doc.apiVersion}`);
  return doc.datasources;
}

/** Grafana's own expansion of a provisioning value: $NAME / ${NAME} from its environment, $$ a literal $. */
export function grafanaExpand(value: string, env: Record<string, string | undefined> = {}): string {
  return value.replace(/\$\$|\$\{(\w+)\}|\$(\w+)/g, (m, braced, plain) =>
    m === '$$' ? '$' : (env[braced ?? plain] ?? ''),
  );
}

/** A client with the ClickHouse datasource's settings (HTTP, as the provisioned datasources are). */
export function datasourceClient(
  ds: ProvisionedDatasource,
  env: Record<string, string | undefined> = {},
): ClickHouseClient {
  const j = ds.jsonData ?? {};
  if (j.protocol !== 'http') throw new Error(`datasource ${ds.uid}: protocol ${String(j.protocol)}, expected http`);
  const scheme = j.secure ? 'https' : 'http';
  return createClickHouse(
    {
      url: `${scheme}://${String(j.host)}:${Number(j.port)}${j.path ? String(j.path) : ''}`,
      user: String(j.username),
      password: grafanaExpand(ds.secureJsonData?.password ?? '', env),
      database: String(j.defaultDatabase),
    },
    // clickhouse-go, the plugin's client, sets this on every HTTP query
    { default_format: 'Native' },
  );
}

/**
 * A client made from the ClickHouse datasource `clickstream grafana-provisioning` writes for
 * `config` (into `dir`): panels' SQL then runs as Grafana's reader would run it.
 */
export function provisionedClickHouseClient(config: Config, dir: string): ClickHouseClient {
  writeLocalProvisioning(config, dir, {});
  const datasource = readDatasources(path.join(dir, 'datasources', 'datasources.yaml')).find(
    (d) => d.uid === CLICKHOUSE.uid,
  );
  if (!datasource) throw new Error(`no datasource ${CLICKHOUSE.uid} in ${dir}`);
  return datasourceClient(datasource);
}

/** A panel's SQL through `client`, as the plugin asks for it: column names and types, and rows. */
export async function runPanelSql(
  client: ClickHouseClient,
  sql: string,
): Promise<{ meta: Array<{ name: string; type: string }>; data: Array<Record<string, unknown>> }> {
  const result = await client.query({ query: sql, format: 'JSON' });
  const { meta, data } = await result.json<Record<string, unknown>>();
  return { meta: meta ?? [], data };
}
