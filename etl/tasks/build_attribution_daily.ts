/** graphile-worker task `build_attribution_daily`: rebuilds mart_attribution_daily for payload.day (etl/sql/attribution_daily.sql). */
import type { Task } from 'graphile-worker';
import type { BuildDeps } from '../build-partition.js';
import { createBuildTask } from '../build-task.js';

/** Makes the task with its clients. */
export function build_attribution_daily(deps: BuildDeps): Task {
  return createBuildTask('attribution_daily', deps);
}
