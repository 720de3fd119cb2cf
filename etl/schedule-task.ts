/**
 * graphile-worker task `schedule_marts`, run by the crontab: queues one `build_<mart>`
 * job per mart and per day touched by the last `hours` hours, so late events land in
 * the next run. Jobs have a key per (mart, day): a day already queued is not queued
 * twice; one already running gets a fresh job after it, which waits for its lock.
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { buildTaskName } from './build-task.js';
import { daysTouched } from './day-window.js';
import { MART_NAMES } from './marts.js';

const payloadSchema = z.object({
  hours: z.number().int().positive(),
  _cron: z.object({ ts: z.string() }).optional(),
});

/** The payload a crontab item gives `schedule_marts`. */
export type SchedulePayload = z.input<typeof payloadSchema>;

/** Makes the task; `maxAttempts` is given to each queued build. */
export function schedule_marts(deps: { maxAttempts: number }): Task {
  return async function scheduleMarts(payload, helpers) {
    const { hours, _cron } = payloadSchema.parse(payload);
    // the cron slot's time, not the clock: a delayed run still covers its own window
    const now = _cron ? new Date(_cron.ts) : new Date();
    const days = daysTouched(new Date(now.getTime() - hours * 3_600_000), now);
    for (const day of days) {
      for (const mart of MART_NAMES) {
        const task = buildTaskName(mart);
        await helpers.addJob(
          task,
          { day, trigger: 'cron' },
          { jobKey: `${task}:${day}`, jobKeyMode: 'replace', maxAttempts: deps.maxAttempts },
        );
      }
    }
    helpers.logger.info(`queued ${days.length * MART_NAMES.length} builds for ${days.join(', ')}`);
  };
}
