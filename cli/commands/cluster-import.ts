import { clickhouseTarget, createClickHouse } from '../../lib/clickhouse.js';
import { clickhouseLayout } from '../../lib/clickhouse-layout.js';
import { createEveryShard } from '../../lib/clickhouse-shards.js';
import { redactUrl } from '../../lib/postgres.js';
import { importIntoCluster } from '../../migrations/cluster-import.js';
import { type Command, type CommandInput, UsageError } from '../command.js';
import { loadContext, say } from '../context.js';
import { createProgressBar } from '../progress-bar.js';

/** `--from`: the old server's URL; a user and password in it win over the admin login. */
function sourceTarget(value: unknown, fallback: { user: string; password: string }) {
  if (typeof value !== 'string' || value === '')
    throw new UsageError('--from is required: the old ClickHouse server, e.g. http://old-host:8123');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--from=${redactUrl(value)}: expected an http(s) URL such as http://old-host:8123`);
  }
  if (!/^https?:$/.test(url.protocol)) throw new UsageError(`--from=${redactUrl(value)}: expected an http(s) URL`);
  const login = url.username
    ? { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
    : fallback;
  url.username = '';
  url.password = '';
  return { url: url.origin, ...login };
}

async function runImport({ values }: CommandInput): Promise<number> {
  const { config, endpoints } = loadContext('cluster-import');
  const layout = clickhouseLayout(config);
  if (layout.kind === 'single')
    throw new UsageError(
      'cluster-import copies into a cluster: configure it (CLICKHOUSE_URL + CLICKHOUSE_CLUSTER, or LOCAL_CLICKHOUSE_SHARDS=2)',
    );
  const from = sourceTarget(values.from, config.clickhouse.admin);
  const database = typeof values['from-database'] === 'string' ? values['from-database'] : config.clickhouse.database;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database))
    throw new UsageError(`--from-database=${database}: expected a plain identifier`);
  const target = clickhouseTarget(config, endpoints, config.clickhouse.admin);
  const source = createClickHouse({ ...from, database, requestTimeoutMs: 3_600_000 });
  const cluster = createClickHouse({ ...target, requestTimeoutMs: 3_600_000 });
  const shards = createEveryShard(layout, cluster, target, endpoints.clickhouseUrls);
  const bar = createProgressBar();
  const started = Date.now();
  try {
    say(`cluster-import: ${redactUrl(from.url)} (database ${database}) → cluster ${layout.cluster} (${target.url})`);
    const result = await importIntoCluster({
      source,
      shards,
      layout,
      log: (line) => say(line),
      onProgress: (done, total, label) => bar.update(done, total, label),
    });
    const rows = result.copied.reduce((sum, c) => sum + c.rows, 0);
    bar.finish(
      `cluster-import: ${result.copied.length} partitions copied (${rows} rows), ${result.unchanged} unchanged, ` +
        `speed layer rebuilt (${result.speedTables.join(', ') || 'none'}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    if (result.moving.length > 0)
      say(
        `cluster-import: ${result.moving.length} partitions changed on the old server while they were copied: ` +
          'run again once its consumers and etl are stopped',
      );
    for (const extra of result.extra)
      say(`cluster-import: ${extra.table} partition ${extra.partition} is on the cluster only (left as it is)`);
    return 0;
  } finally {
    await shards.close();
    await Promise.all([source.close(), cluster.close()]);
  }
}

export const clusterImportCommand: Command = {
  name: 'cluster-import',
  summary: 'Copy a single-server install (events, marts, runs) into the configured cluster, what changed only',
  usage: [
    'Usage: clickstream cluster-import --from URL [--from-database NAME]',
    '',
    'Moves an install onto a cluster: the configured cluster (CLICKHOUSE_URL + CLICKHOUSE_CLUSTER,',
    'or LOCAL_CLICKHOUSE_SHARDS=2), migrated with "clickstream migrate", receives every partition of',
    "the old server's events, marts and etl_runs that it does not hold yet, swapped in atomically per",
    'shard, and then rebuilds the speed layer. Run it once while the old install still runs, stop the',
    'consumers and etl there, run it again (it copies only what changed), then start the roles on the',
    'cluster: docs/scaling.md has the steps. --from may carry user:password@ (default: the admin',
    'login); --from-database defaults to CLICKHOUSE_DATABASE.',
  ].join('\n'),
  options: { from: { type: 'string' }, 'from-database': { type: 'string' } },
  run: runImport,
};
