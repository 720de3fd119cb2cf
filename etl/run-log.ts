/**
 * The run log: one row per finished build in ClickHouse `etl_runs` (migrations/0002),
 * where the pipeline dashboard reads freshness, failures and durations.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { clickHouseTime } from '../lib/time.js';
import type { Day } from './day-window.js';

/** Why a build ran: the hourly schedule, a backfill, a direct call (tests, tools), or an erasure. */
export type BuildTrigger = 'cron' | 'backfill' | 'manual' | 'erase';

export interface RunRecord {
  mart: string;
  day: Day;
  /** The UTC range the build covered (a local day spans each site's own midnights). */
  range: { from: Date; to: Date };
  trigger: BuildTrigger;
  attempt: number;
  status: 'ok' | 'failed';
  rows: number;
  startedAt: Date;
  finishedAt: Date;
  error: string;
}

const WORKER = `${os.hostname()}:${process.pid}`;

/** Appends one run to `etl_runs`. */
export async function recordRun(clickhouse: ClickHouseClient, run: RunRecord): Promise<void> {
  await clickhouse.insert({
    table: 'etl_runs',
    format: 'JSONEachRow',
    values: [
      {
        run_id: randomUUID(),
        mart: run.mart,
        day: run.day,
        range_from: clickHouseTime(run.range.from),
        range_to: clickHouseTime(run.range.to),
        trigger: run.trigger,
        attempt: run.attempt,
        status: run.status,
        rows: run.rows,
        duration_ms: Math.max(0, run.finishedAt.getTime() - run.startedAt.getTime()),
        error: run.error.slice(0, 4000),
        worker: WORKER,
        started_at: clickHouseTime(run.startedAt),
        finished_at: clickHouseTime(run.finishedAt),
      },
    ],
  });
}
