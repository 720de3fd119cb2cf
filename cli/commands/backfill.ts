import { buildOptionsFromConfig } from '../../etl/build-options.js';
import { buildMarts } from '../../etl/build-marts.js';
import { isMartName, MART_NAMES, type MartName } from '../../etl/marts.js';
import { createProgressBar } from '../progress-bar.js';
import { createPgPool } from '../../lib/postgres.js';
import { type Command, type CommandInput, UsageError } from '../command.js';
import { loadContext } from '../context.js';
import { createBuildClickHouse } from '../../etl/build-clickhouse.js';

function parseTime(flag: string, value: unknown): Date {
  if (typeof value !== 'string' || value === '')
    throw new UsageError(`--${flag} is required (an ISO 8601 time or day, e.g. 2024-03-01)`);
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`--${flag}=${value}: expected an ISO 8601 time or day, e.g. 2024-03-01T00:00:00Z`);
  return date;
}

function parseMarts(value: unknown): MartName[] {
  if (typeof value !== 'string') return [...MART_NAMES];
  const names = value.split(',').map((n) => n.trim().replace(/^mart_/, ''));
  for (const name of names) {
    if (!isMartName(name)) throw new UsageError(`--mart=${name}: expected one of ${MART_NAMES.join(', ')}`);
  }
  return names as MartName[];
}

function parseConcurrency(value: unknown): number {
  if (value === undefined) return 2;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 32)
    throw new UsageError(`--concurrency=${String(value)}: expected an integer 1-32`);
  return n;
}

/** Rebuilds marts over a range in this process; safe while `etl` runs (same locks). */
async function runBackfill(input: CommandInput): Promise<number> {
  const from = parseTime('from', input.values.from);
  const to = parseTime('to', input.values.to);
  if (to.getTime() <= from.getTime()) throw new UsageError('--to must be after --from');
  const marts = parseMarts(input.values.mart);
  const concurrency = parseConcurrency(input.values.concurrency);
  const { config, endpoints, logger } = loadContext('backfill');
  const builds = createBuildClickHouse(config, endpoints);
  const pgPool = createPgPool(endpoints.databaseUrl, () => {}, concurrency + 1);
  const bar = createProgressBar();
  const started = Date.now();
  try {
    const results = await buildMarts({
      clickhouse: builds.clickhouse,
      shards: builds.shards,
      pgPool,
      options: buildOptionsFromConfig(config),
      logger,
      from,
      to,
      marts,
      concurrency,
      trigger: 'backfill',
      onProgress: (done, total, last) =>
        bar.update(done, total, `${last.mart} ${last.day} (${last.rows} rows, ${last.durationMs} ms)`),
    });
    const rows = results.reduce((sum, r) => sum + r.rows, 0);
    bar.finish(`backfill: ${results.length} builds, ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    await pgPool.end().catch(() => {});
    await builds.close();
  }
}

export const backfillCommand: Command = {
  name: 'backfill',
  summary: 'Rebuild data marts over a time range (whole days and weeks), with progress',
  usage: [
    'Usage: clickstream backfill --from ISO --to ISO [--mart NAME[,NAME...]] [--concurrency N]',
    '',
    'Rebuilds every mart (or the named ones) for each day touched by [from, to) — UTC instants;',
    '--to is exclusive, so --from 2024-03-01 --to 2024-03-03 rebuilds March 1 and 2. Daily marts count',
    "each site's own local days, so a range also rebuilds the days it touches in any site's time zone,",
    `and mart_retention_weekly the weeks it touches. Marts: ${MART_NAMES.join(', ')}.`,
    'Each day is replaced atomically and recorded in etl_runs; safe to run while "clickstream etl"',
    'runs (builds of the same mart and day take turns). Progress on stderr; exit 0 when done.',
  ].join('\n'),
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    mart: { type: 'string' },
    concurrency: { type: 'string' },
  },
  run: runBackfill,
};
