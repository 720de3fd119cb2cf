/**
 * Builds one mart for one unit (a UTC day, a site-local day or week: etl/build-unit.ts),
 * atomically and idempotently:
 *
 *  1. take the (mart, day) lock (etl/advisory-lock.ts), so builds of the same day queue;
 *  2. read the sites' time zones, empty the day's partition of the staging table and fill
 *     it with the mart's SQL;
 *  3. swap it into the mart with `ALTER TABLE mart REPLACE PARTITION day FROM staging`
 *     (then the same for the tables a mart derives from its staging rows, e.g. the hourly
 *     visitor states of the sessions),
 *     which ClickHouse applies atomically: readers see the old day or the new day, never
 *     a half-built one, and a rerun replaces instead of adding (no double counts). A day
 *     with no rows empties the mart's day (allow_replace_partition_from_empty_source);
 *  4. record the run in `etl_runs`, ok or failed (a failure is rethrown, for retries).
 *
 * In cluster mode the mart's SQL reads the whole cluster through the Distributed `events`
 * and its INSERT goes through the Distributed staging table, which puts each row on the
 * shard its sharding key names (the same shard as that row's previous build). The drop and
 * the swap then run on every shard's local tables (lib/clickhouse-shards.ts): each shard
 * swaps its share atomically. Between the shards' swaps (milliseconds) a reader may see one
 * shard's new rows with another's old ones; no row is ever in both.
 */
import type pg from 'pg';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { type EveryShard, singleServer } from '../lib/clickhouse-shards.js';
import type { Logger } from '../lib/logger.js';
import { withBuildLock } from './advisory-lock.js';
import type { BuildOptions } from './build-options.js';
import { unitDay, type UnitWindow, unitWindow } from './build-unit.js';
import type { Day } from './day-window.js';
import { type BuildContext, buildOf, mart, type Mart, type MartName } from './marts.js';
import { type BuildTrigger, recordRun } from './run-log.js';
import { loadSiteZones, zonesInUse } from './site-zones.js';

export interface BuildDeps {
  clickhouse: ClickHouseClient;
  /** Where partition drops and swaps go; default: the one server `clickhouse` is. */
  shards?: EveryShard;
  pgPool: pg.Pool;
  options: BuildOptions;
  logger?: Logger;
}

export interface PartitionResult {
  mart: MartName;
  day: Day;
  rows: number;
  durationMs: number;
}

/** Wait for each statement to finish server-side before the next (HTTP may answer early). */
const SYNC = { wait_end_of_query: 1 } as const;

async function stagedRows(clickhouse: ClickHouseClient, staging: string, day: Day): Promise<number> {
  // through the Distributed staging table in cluster mode: every shard's share
  const result = await clickhouse.query({
    query: `SELECT count() AS rows FROM ${staging} WHERE _partition_id = {partition:String}`,
    query_params: { partition: day.replaceAll('-', '') },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ rows: string }>();
  return Number(row?.rows ?? 0);
}

/*
 * Table names below come from etl/marts.ts constants. They are spliced into the SQL
 * because ClickHouse does not accept {t:Identifier} params in ALTER ... FROM.
 */
/**
 * Where a speed-layer mart hands over to its speed layer: the start of the current hour.
 * The speed layer is kept per hour, so the hand-over must fall on an hour boundary for
 * every event to be counted by exactly one of the two.
 */
export function speedCutoff(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
}

async function replaceDay(
  clickhouse: ClickHouseClient,
  shards: EveryShard,
  m: Mart,
  day: Day,
  context: BuildContext,
): Promise<number[]> {
  // the mart's table first, then the tables derived from its staging rows in the same build
  const tables = [{ table: m.table, staging: m.staging }, ...m.derived];
  const dropStaging = async () => {
    for (const t of tables) {
      await shards.run((on) => `ALTER TABLE ${shards.local(t.staging)}${on} DROP PARTITION {day:Date}`, {
        params: { day },
      });
    }
  };
  await dropStaging();
  for (const statement of m.statements(context)) {
    await clickhouse.command({ query: statement.query, query_params: statement.params, clickhouse_settings: SYNC });
  }
  const rowsPerTable: number[] = [];
  for (const t of tables) {
    const staging = shards.local(t.staging);
    await shards.syncReplicas(staging);
    rowsPerTable.push(await stagedRows(clickhouse, t.staging, day));
    await shards.run((on) => `ALTER TABLE ${shards.local(t.table)}${on} REPLACE PARTITION {day:Date} FROM ${staging}`, {
      params: { day },
      // an empty build empties the day (a day whose events were all erased or were bots)
      settings: { allow_replace_partition_from_empty_source: 1 },
    });
  }
  // REPLACE copies (hard-links) the parts; free the staging copy now rather than next build
  await dropStaging();
  return rowsPerTable;
}

/**
 * Rebuilds `requested` for `day` (a mart built by another's build, e.g. pages_daily by
 * sessions: that build, which fills both). Throws (after logging the failed run) when the
 * build fails.
 */
export async function buildPartition(
  deps: BuildDeps,
  requested: MartName,
  day: Day,
  run: { trigger: BuildTrigger; attempt?: number } = { trigger: 'manual' },
): Promise<PartitionResult> {
  const name = buildOf(requested);
  const m = mart(name);
  day = unitDay(m.unit, day);
  const startedAt = new Date();
  const attempt = run.attempt ?? 1;
  let window: UnitWindow | undefined;
  // The run log gets a row for each mart the build fills (pages_daily and sources_daily with
  // the sessions), so each mart's freshness and failures show under its own name. `table`:
  // where its table is among the build's (the mart's own first, then its derived ones).
  const marts = [
    { mart: name, table: 0 },
    ...m.derived.flatMap((d, i) => (d.mart ? [{ mart: d.mart, table: i + 1 }] : [])),
  ];
  const record = (status: 'ok' | 'failed', rowsPerTable: number[], finishedAt: Date, error: string) =>
    Promise.all(
      marts.map((r) =>
        recordRun(deps.clickhouse, {
          mart: r.mart,
          day,
          range: window ?? { from: startedAt, to: startedAt },
          trigger: run.trigger,
          attempt,
          status,
          rows: rowsPerTable[r.table] ?? 0,
          startedAt,
          finishedAt,
          error,
        }),
      ),
    );
  try {
    const rowsPerTable = await withBuildLock(deps.pgPool, m.name, day, async () => {
      // read inside the lock: a build queued behind another sees the zones of its own start
      const zones = await loadSiteZones(deps.pgPool);
      window = unitWindow(m.unit, day, m.daysBefore(deps.options), zonesInUse(zones));
      const context = { window, options: deps.options, zones, cutoff: speedCutoff(new Date()) };
      return replaceDay(deps.clickhouse, deps.shards ?? singleServer(deps.clickhouse), m, day, context);
    });
    const finishedAt = new Date();
    await record('ok', rowsPerTable, finishedAt, '');
    const rows = rowsPerTable[0] ?? 0;
    const durationMs = finishedAt.getTime() - startedAt.getTime();
    deps.logger?.info({ mart: name, day, rows, durationMs, trigger: run.trigger }, 'mart_built');
    return { mart: name, day, rows, durationMs };
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    deps.logger?.error({ mart: name, day, attempt, err: error }, 'mart_build_failed');
    await record('failed', [], new Date(), message).catch((logError: Error) =>
      deps.logger?.error({ err: logError }, 'run_log_failed'),
    );
    throw error;
  }
}
