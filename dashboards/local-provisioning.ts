/**
 * The provisioning folder for a Grafana installed on this machine, pointed at the running
 * (or configured) deployment: the ClickHouse datasource at the embedded ClickHouse or
 * CLICKHOUSE_URL as the read-only reader with its password, Prometheus when a URL is given,
 * and the dashboards. With Prometheus, the provider reads the project's dashboards/json (the
 * very files the Docker stack mounts); without, it reads a copy written beside the YAML in
 * which the Prometheus panels say that no Prometheus is configured.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../lib/config.js';
import { JSON_DIR } from './generate.js';
import { loadDashboards } from './panel-queries.js';
import { type ProvisioningTarget, provisioningFiles } from './provisioning.js';
import type { Dashboard } from './src/grafana-schema.js';
import { withoutPrometheus } from './without-prometheus.js';

/** Where ClickHouse answers for this config: CLICKHOUSE_URL, else the embedded server's HTTP port. */
export function clickhouseEndpoint(config: Config): URL {
  return new URL(config.clickhouse.externalUrl ?? `http://127.0.0.1:${config.clickhouse.localHttpPort}`);
}

/** The target for `config`; `dashboardsPath` is where the dashboard JSON will be. */
export function localTarget(
  config: Config,
  options: { prometheusUrl?: string; dashboardsPath: string },
): ProvisioningTarget {
  const url = clickhouseEndpoint(config);
  const secure = url.protocol === 'https:';
  const urlPath = url.pathname.replace(/\/+$/, '');
  return {
    purpose: `a Grafana on this machine, for ClickHouse at ${url.origin}`,
    clickhouse: {
      host: url.hostname,
      port: url.port ? Number(url.port) : secure ? 8443 : 8123,
      protocol: 'http',
      secure,
      ...(urlPath ? { path: urlPath } : {}),
      user: config.clickhouse.reader.user,
      password: { value: config.clickhouse.reader.password },
      database: config.clickhouse.database,
    },
    ...(options.prometheusUrl ? { prometheusUrl: options.prometheusUrl } : {}),
    dashboardsPath: options.dashboardsPath,
  };
}

export interface WrittenProvisioning {
  target: ProvisioningTarget;
  files: string[];
}

/** Writes the folder (replacing files of the same names); the datasource file is private to the user. */
export function writeLocalProvisioning(
  config: Config,
  outDir: string,
  options: { prometheusUrl?: string },
): WrittenProvisioning {
  const out = path.resolve(outDir);
  const copyDir = path.join(out, 'dashboards', 'json');
  const dashboardsPath = options.prometheusUrl ? JSON_DIR : copyDir;
  const target = localTarget(config, { ...options, dashboardsPath });
  const written: string[] = [];
  for (const [rel, text] of Object.entries(provisioningFiles(target))) {
    const file = path.join(out, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // it holds the reader's password
    fs.writeFileSync(file, text);
    fs.chmodSync(file, rel.startsWith('datasources/') ? 0o600 : 0o644);
    written.push(file);
  }
  fs.rmSync(copyDir, { recursive: true, force: true });
  if (!options.prometheusUrl) {
    fs.mkdirSync(copyDir, { recursive: true });
    for (const [name, dashboard] of loadDashboards()) {
      const file = path.join(copyDir, name);
      fs.writeFileSync(file, `${JSON.stringify(withoutPrometheus(dashboard as unknown as Dashboard), null, 2)}\n`);
      written.push(file);
    }
  }
  return { target, files: written };
}
