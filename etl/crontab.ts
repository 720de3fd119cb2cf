/**
 * The ETL's schedule:
 * - `rebuild_recent` (ETL_CRON, default hourly at :05): rebuild the days touched by the
 *   last ETL_LOOKBACK_HOURS hours, so late events are included;
 * - `finalize_yesterday` (03:30 UTC daily): rebuild yesterday and today once more, so
 *   sessions that crossed midnight and events that arrived hours late are final even
 *   when the lookback is shorter than that.
 */
import { parseCronItems, type ParsedCronItem } from 'graphile-worker';
import type { SchedulePayload } from './schedule-task.js';

/** The parsed crontab for graphile-worker's `parsedCronItems`. */
export function etlCronItems(settings: { cron: string; lookbackHours: number }): ParsedCronItem[] {
  const recent: SchedulePayload = { hours: settings.lookbackHours };
  const finalize: SchedulePayload = { hours: 27 }; // 03:30 back to yesterday 00:30
  return parseCronItems([
    // backfillPeriod 0: after downtime, one run covers the lookback; use `backfill` for more
    {
      task: 'schedule_marts',
      identifier: 'rebuild_recent',
      match: settings.cron,
      payload: recent,
      options: { backfillPeriod: 0 },
    },
    {
      task: 'schedule_marts',
      identifier: 'finalize_yesterday',
      match: '30 3 * * *',
      payload: finalize,
      options: { backfillPeriod: 0 },
    },
  ]);
}
