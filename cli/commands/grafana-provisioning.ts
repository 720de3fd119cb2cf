import { CLICKHOUSE_PLUGIN } from '../../dashboards/provisioning.js';
import { clickhouseEndpoint, writeLocalProvisioning } from '../../dashboards/local-provisioning.js';
import { createClickHouse } from '../../lib/clickhouse.js';
import { type Command, UsageError } from '../command.js';
import { loadContext, say } from '../context.js';

/** The line `clickstream start` prints after its banner: how to get the dashboards. */
export function dashboardsHint(): string {
  return (
    `  dashboards in a Grafana on this machine: grafana cli plugins install ${CLICKHOUSE_PLUGIN.id} ${CLICKHOUSE_PLUGIN.version}, ` +
    'then npx clickstream grafana-provisioning --out .grafana (docs/dashboards.md)'
  );
}

function prometheusUrl(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  if (!url || !/^https?:$/.test(url.protocol)) {
    throw new UsageError(`--prometheus-url takes an http(s) URL such as http://127.0.0.1:9090; got "${text}"`);
  }
  return text.replace(/\/+$/, '');
}

export const grafanaProvisioningCommand: Command = {
  name: 'grafana-provisioning',
  summary: 'Write a Grafana provisioning folder (datasources + dashboards) for a Grafana installed here',
  usage: [
    'Usage: clickstream grafana-provisioning --out DIR [--prometheus-url URL]',
    '',
    'Writes DIR/datasources/datasources.yaml (the ClickHouse datasource: the embedded ClickHouse,',
    'or CLICKHOUSE_URL, as the read-only clickstream_reader with CLICKHOUSE_READER_PASSWORD) and',
    'DIR/dashboards/clickstream.yaml (the dashboards provider). With --prometheus-url it adds the',
    "Prometheus datasource and the provider reads the project's dashboards/json; without, the",
    "dashboards are copied into DIR/dashboards/json with the Pipeline dashboard's Prometheus panels",
    'replaced by a note. Then start Grafana with cfg:paths.provisioning=DIR (docs/dashboards.md).',
    `Grafana needs the plugin: grafana cli plugins install ${CLICKHOUSE_PLUGIN.id} ${CLICKHOUSE_PLUGIN.version}`,
  ].join('\n'),
  options: { out: { type: 'string' }, 'prometheus-url': { type: 'string' } },
  async run({ values }) {
    const out = values.out as string | undefined;
    if (!out) throw new UsageError('--out DIR is required');
    const prometheus = prometheusUrl(values['prometheus-url']);
    const { config } = loadContext('grafana-provisioning');
    const { target, files } = writeLocalProvisioning(config, out, prometheus ? { prometheusUrl: prometheus } : {});
    for (const file of files) process.stdout.write(`${file}\n`);
    say(`grafana-provisioning: wrote ${files.length} files; dashboards from ${target.dashboardsPath}`);
    say(prometheus ? `  Prometheus: ${prometheus}` : '  no Prometheus: its panels say so (add --prometheus-url URL)');
    // The same login Grafana will use: a wrong password or a stopped server shows up now, not in Grafana.
    const url = clickhouseEndpoint(config);
    const ch = target.clickhouse;
    const client = createClickHouse({
      url: url.href.replace(/\/+$/, ''),
      user: ch.user,
      password: 'value' in ch.password ? ch.password.value : '',
      database: ch.database,
      requestTimeoutMs: 3000,
    });
    try {
      await (await client.query({ query: 'SELECT 1', format: 'JSONEachRow' })).json();
      say(`  ClickHouse answers at ${url.origin} as ${ch.user}`);
    } catch (error) {
      say(
        `  ClickHouse does not answer at ${url.origin} as ${ch.user} now (${(error as Error).message}); start it: npm start`,
      );
    } finally {
      await client.close();
    }
    say(`  next: start Grafana with cfg:paths.provisioning=${out} and open the Overview dashboard`);
    return 0;
  },
};
