/**
 * graphile-worker task `schedule_marts`, run by the crontab: queues one `build_<mart>`
 * job per mart with a build of its own (etl/marts.ts BUILT_MARTS) and per unit (UTC day,
 * site-local day or week, in any zone in use) touched by the last `hours` hours, so late
 * events land in the next run. Jobs have a key per
 * (mart, day): a day already queued is not queued twice; one already running gets a fresh
 * job after it, which waits for its lock.
 */
import type { Task } from 'graphile-worker';
import type pg from 'pg';
import { z } from 'zod';
import { buildTaskName } from './build-task.js';
import { unitsTouched } from './build-unit.js';
import { BUILT_MARTS, mart } from './marts.js';
import { loadSiteZones, zonesInUse } from './site-zones.js';

const payloadSchema = z.object({
  hours: z.number().int().positive(),
  _cron: z.object({ ts: z.string() }).optional(),
});

/** The payload a crontab item gives `schedule_marts`. */
export type SchedulePayload = z.input<typeof payloadSchema>;

/** Makes the task; `maxAttempts` is given to each queued build. */
export function schedule_marts(deps: { maxAttempts: number; pgPool: pg.Pool }): Task {
  return async function scheduleMarts(payload, helpers) {
    const { hours, _cron } = payloadSchema.parse(payload);
    // the cron slot's time, not the clock: a delayed run still covers its own window
    const now = _cron ? new Date(_cron.ts) : new Date();
    const zones = zonesInUse(await loadSiteZones(deps.pgPool));
    const queued: string[] = [];
    for (const name of BUILT_MARTS) {
      const task = buildTaskName(name);
      for (const day of unitsTouched(mart(name).unit, new Date(now.getTime() - hours * 3_600_000), now, zones)) {
        await helpers.addJob(
          task,
          { day, trigger: 'cron' },
          { jobKey: `${task}:${day}`, jobKeyMode: 'replace', maxAttempts: deps.maxAttempts },
        );
        queued.push(`${name}:${day}`);
      }
    }
    helpers.logger.info(`queued ${queued.length} builds: ${queued.join(', ')}`);
  };
}
