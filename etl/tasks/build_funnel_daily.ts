/** graphile-worker task `build_funnel_daily`: rebuilds mart_funnel_daily for payload.day (etl/sql/funnel_daily.sql). */
import type { Task } from 'graphile-worker';
import type { BuildDeps } from '../build-partition.js';
import { createBuildTask } from '../build-task.js';

/** Makes the task with its clients. */
export function build_funnel_daily(deps: BuildDeps): Task {
  return createBuildTask('funnel_daily', deps);
}
