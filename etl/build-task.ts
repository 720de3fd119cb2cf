/**
 * The graphile-worker task that rebuilds one mart for one day: `build_<mart>` with
 * payload `{ "day": "YYYY-MM-DD" }`. A failed build throws, so graphile-worker retries it
 * with backoff (up to ETL_MAX_ATTEMPTS); each attempt is in `etl_runs`.
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { type BuildDeps, buildPartition } from './build-partition.js';
import type { MartName } from './marts.js';

const payloadSchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected day as YYYY-MM-DD'),
  trigger: z.enum(['cron', 'backfill', 'manual']).default('cron'),
});

/** The payload of a `build_<mart>` job. */
export type BuildPayload = z.input<typeof payloadSchema>;

/** The task name of a mart's build job. */
export function buildTaskName(mart: MartName): string {
  return `build_${mart}`;
}

/** Makes the `build_<mart>` task. */
export function createBuildTask(mart: MartName, deps: BuildDeps): Task {
  return async function buildMartTask(payload, helpers) {
    const parsed = payloadSchema.safeParse(payload);
    if (!parsed.success) {
      // a malformed payload will never succeed: fail loudly rather than retry forever
      throw new Error(
        `${buildTaskName(mart)}: bad payload ${JSON.stringify(payload)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
      );
    }
    await buildPartition(deps, mart, parsed.data.day, { trigger: parsed.data.trigger, attempt: helpers.job.attempts });
  };
}
